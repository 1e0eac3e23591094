package io.onceonly.cli.config;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * One app's options as the command reads them: the values given (from the app's file and the
 * command's {@code connector.*} or {@code dedup.*}), else the app's defaults, each checked by the
 * app's own definition. Only the options asked for are parsed: the command needs a few names of an
 * app, not a whole valid configuration of it (which would demand, say, the connector's database user).
 */
public final class AppSettings {

    private final ConfigDef definition;
    private final String prefix;
    private final Map<String, String> given;

    /**
     * @param prefix how the command spells the app's options ({@code connector.}), for messages
     * @throws ConfigException naming a given option the app does not have
     */
    AppSettings(ConfigDef definition, String prefix, String app, Map<String, String> given) {
        this.definition = definition;
        this.prefix = prefix;
        this.given = new TreeMap<>(given);
        this.given.forEach((name, value) -> {
            if (!definition.names().contains(name)) {
                throw new ConfigException(prefix + name, value, "is not an option of the " + app
                        + " (its options go under " + prefix + " by their own names)");
            }
        });
    }

    /** The option's value: given, else the app's default. */
    public String string(String name) {
        Object value = parsed(name);
        return value == null ? "" : value.toString().strip();
    }

    /** A list option's value: given, else the app's default. */
    @SuppressWarnings("unchecked")
    public List<String> list(String name) {
        Object value = parsed(name);
        return value == null ? List.of() : (List<String>) value;
    }

    private Object parsed(String name) {
        ConfigDef.ConfigKey key = definition.configKeys().get(name);
        if (key == null) {
            throw new IllegalStateException("the app has no option " + name);
        }
        Object value;
        if (given.containsKey(name)) {
            try {
                value = ConfigDef.parseType(prefix + name, given.get(name), key.type);
            } catch (ConfigException e) {
                throw new ConfigException(prefix + name, given.get(name), e.getMessage());
            }
        } else {
            value = key.defaultValue;
        }
        if (key.validator != null) {
            key.validator.ensureValid(prefix + name, value);
        }
        return value;
    }
}
