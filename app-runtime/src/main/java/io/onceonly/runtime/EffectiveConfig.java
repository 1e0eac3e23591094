package io.onceonly.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The one log line at start that shows what an app runs with, secrets hidden. */
public final class EffectiveConfig {

    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|token|jaas|credential|apikey|api\\.key).*");

    private EffectiveConfig() {
    }

    /** {@code name=value, ...} in name order, with the values of secret-looking names replaced. */
    public static String describe(Map<String, ?> options) {
        Map<String, Object> shown = new TreeMap<>();
        options.forEach((name, value) -> shown.put(name, isSecret(name) && value != null && !value.toString().isEmpty()
                ? "[hidden]" : value));
        return shown.toString();
    }

    /** Whether an option's value must never be logged. */
    public static boolean isSecret(String name) {
        return SECRET.matcher(name).matches();
    }
}
