package io.onceonly.connector.config;

import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A name option that must match a pattern: the one validator behind the slot, publication, topic
 * and table options, which differ only in the pattern and in how they explain it.
 */
final class NameRule implements ConfigDef.Validator {

    /** PostgreSQL accepts only lower-case letters, digits and underscores in slot names. */
    static final NameRule SLOT = new NameRule("[a-z0-9_]{1,63}", "must be 1 to 63 lower-case letters, digits or underscores",
            "[a-z0-9_]{1,63}");
    /** Characters Kafka accepts in a topic name. */
    // Kafka also refuses "." and "..".
    static final NameRule TOPIC = new NameRule("(?!\\.{1,2}$)[a-zA-Z0-9._-]{1,200}", "may only contain letters, digits, '.', '_' and '-' (1 to 200)",
            "[a-zA-Z0-9._-]{1,200}");
    /** A {@code schema.table} name of plain identifiers (it goes into SQL and into Debezium's include list). */
    static final NameRule QUALIFIED_TABLE = new NameRule("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*",
            "must be schema.table of plain identifiers, like public.outbox", "schema.table");

    private final Pattern pattern;
    private final String rule;
    private final String shown;

    private NameRule(String pattern, String rule, String shown) {
        this.pattern = Pattern.compile(pattern);
        this.rule = rule;
        this.shown = shown;
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null || !pattern.matcher(value.toString()).matches()) {
            throw new ConfigException(name, value, rule);
        }
    }

    /** The rule as the option table shows it. */
    @Override
    public String toString() {
        return shown;
    }
}
