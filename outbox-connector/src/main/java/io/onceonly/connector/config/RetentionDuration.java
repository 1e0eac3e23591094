package io.onceonly.connector.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** {@code outbox.retention}: empty (keep every row) or a positive ISO-8601 duration such as {@code P7D}. */
final class RetentionDuration implements ConfigDef.Validator {

    static final RetentionDuration INSTANCE = new RetentionDuration();

    private RetentionDuration() {
    }

    /**
     * The duration an option value stands for; empty when the value is empty.
     *
     * @throws ConfigException naming {@code option} when the value is not a positive ISO-8601 duration
     */
    static Optional<Duration> parse(String option, String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Duration parsed;
        try {
            parsed = Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new ConfigException(option, value, "must be an ISO-8601 duration such as P7D (7 days) or PT12H (12 hours),"
                    + " or empty to keep every row");
        }
        if (parsed.isNegative() || parsed.isZero()) {
            throw new ConfigException(option, value, "must be longer than zero, such as P7D; empty keeps every row");
        }
        return Optional.of(parsed);
    }

    @Override
    public void ensureValid(String name, Object value) {
        parse(name, value == null ? null : value.toString());
    }

    /** The rule as the option table shows it. */
    @Override
    public String toString() {
        return "ISO-8601 duration, or empty";
    }
}
