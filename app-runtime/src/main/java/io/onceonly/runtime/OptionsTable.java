package io.onceonly.runtime;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/** Prints an app's options as a Markdown table: option, default, meaning (also what {@code --list-options} shows). */
public final class OptionsTable {

    private OptionsTable() {
    }

    /**
     * The table of {@code definition}, followed by rows for option families passed through untouched.
     *
     * @param passThrough rows of {option family, meaning}, for example {"kafka.*", "producer settings"}
     */
    public static String markdown(ConfigDef definition, List<String[]> passThrough) {
        StringBuilder out = new StringBuilder("| option | env | default | meaning |\n|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
            out.append("| `").append(key.name).append("` | `").append(AppOptions.envName(key.name)).append("` | ")
                    .append(defaultText(key)).append(" | ").append(key.documentation.replace("|", "\\|").replace("\n", " "))
                    .append(" |\n");
        }
        for (String[] row : passThrough) {
            out.append("| `").append(row[0]).append("` | `").append(AppOptions.envName(row[0].replace("*", "")))
                    .append("...` | | ").append(row[1]).append(" |\n");
        }
        return out.toString();
    }

    private static String defaultText(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value instanceof Password) {
            value = ((Password) value).value();
        }
        if (value == null || value.toString().isEmpty()) {
            return "(empty)";
        }
        if (key.type == ConfigDef.Type.PASSWORD) {
            return "(hidden)";
        }
        return "`" + ConfigDef.convertToString(value, key.type) + "`";
    }
}
