package io.onceonly.docker;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose's variable substitution, as it comes out with an empty shell environment: {@code ${NAME:-default}}
 * and {@code ${NAME-default}} give their default, {@code $$} a dollar sign. A reference without
 * a default is left as it is, so a check that needs the value sees that it has none.
 */
final class Interpolation {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:?-)([^}]*)}");

    private Interpolation() {
    }

    static String withDefaults(String raw) {
        if (raw == null || raw.indexOf('$') < 0) {
            return raw;
        }
        Matcher m = REFERENCE.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group().equals("$$") ? "$" : m.group(3)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
