package io.onceonly.connector.config;

import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** A {@code schema.table} name of plain identifiers (it goes into SQL and into Debezium's include list). */
final class QualifiedTable implements ConfigDef.Validator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*");

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null || !NAME.matcher(value.toString()).matches()) {
            throw new ConfigException(name, value, "must be schema.table of plain identifiers, like public.outbox");
        }
    }

    @Override
    public String toString() {
        return "schema.table";
    }
}
