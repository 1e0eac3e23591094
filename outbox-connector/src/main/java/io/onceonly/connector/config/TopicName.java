package io.onceonly.connector.config;

import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Characters Kafka accepts in a topic name. */
final class TopicName implements ConfigDef.Validator {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null || !NAME.matcher(value.toString()).matches()) {
            throw new ConfigException(name, value, "may only contain letters, digits, '.', '_' and '-' (1 to 200)");
        }
    }

    @Override
    public String toString() {
        return "[a-zA-Z0-9._-]{1,200}";
    }
}
