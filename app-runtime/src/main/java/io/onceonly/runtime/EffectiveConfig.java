package io.onceonly.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one log line at start that shows what an app runs with, secrets hidden. */
public final class EffectiveConfig {

    static final String HIDDEN = "[hidden]";

    // Names whose whole value is secret: passwords, tokens, JAAS configs, and key material (ssl.keystore.key, a PEM
    // private key), but not the public certificates beside them.
    private static final Pattern SECRET = Pattern.compile(
            "(?i).*(password|secret|token|jaas|credential|apikey|api\\.key|private|user\\.info).*|(?i).*(^|\\.)key$");
    // Inside any value: a URL's user:password@ and query parameters named like secrets (?password=, &sslpassword=, ;key=).
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/:@\\s]+):[^@/\\s]+@");
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&;][^=&;?\\s]*(password|secret|token|credential|key)[^=&;?\\s]*=)[^&;\\s]*");

    // How Kafka's ConfigException(name, value, message) words itself.
    private static final Pattern REFUSED_VALUE = Pattern.compile("(?s)Invalid value (.*) for configuration (\\S+?)(:.*|)");

    private EffectiveConfig() {
    }

    /** {@code name=value, ...} in name order, with secret values, and secrets inside URLs, replaced. */
    public static String describe(Map<String, ?> options) {
        Map<String, Object> shown = new TreeMap<>();
        options.forEach((name, value) -> shown.put(name, value == null || value.toString().isEmpty() ? value
                : isSecret(name) ? HIDDEN : hideInside(value.toString())));
        return shown.toString();
    }

    /**
     * {@code message} fit to print: a {@link org.apache.kafka.common.config.ConfigException}'s
     * "Invalid value V for configuration NAME" with V replaced when NAME is secret (a value refused
     * for its name, not for its content, is quoted whole), and the secrets of any URL in it hidden.
     */
    public static String hideInMessage(String message) {
        if (message == null) {
            return null;
        }
        Matcher refused = REFUSED_VALUE.matcher(message);
        String shown = refused.matches() && isSecret(refused.group(2))
                ? "Invalid value " + HIDDEN + " for configuration " + refused.group(2) + refused.group(3) : message;
        return hideInside(shown);
    }

    /** Whether an option's value must never be logged. */
    public static boolean isSecret(String name) {
        return SECRET.matcher(name).matches();
    }

    /**
     * {@code value} with the secrets a URL can carry replaced: the password of {@code user:password@host} and the
     * values of query parameters named like secrets.
     */
    public static String hideInside(String value) {
        String hidden = URL_USER_INFO.matcher(value).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + HIDDEN + "@"));
        return SECRET_PARAMETER.matcher(hidden).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + HIDDEN));
    }
}
