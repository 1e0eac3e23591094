package io.onceonly.connector.config;

import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** PostgreSQL accepts only lower-case letters, digits and underscores in slot names. */
final class SlotName implements ConfigDef.Validator {

    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,63}");

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null || !NAME.matcher(value.toString()).matches()) {
            throw new ConfigException(name, value, "must be 1 to 63 lower-case letters, digits or underscores");
        }
    }

    @Override
    public String toString() {
        return "[a-z0-9_]{1,63}";
    }
}
