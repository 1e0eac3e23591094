package io.onceonly.docker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL script as psql runs it in the postgres image's init, for a test to run over JDBC: comments
 * dropped, statements split at the semicolon that ends a line, and psql's {@code :'name'}
 * variables replaced by quoted literals. Enough for the deployment's own scripts (no dollar quoting).
 */
final class PsqlScript {

    private static final Pattern VARIABLE = Pattern.compile(":'([A-Za-z_][A-Za-z0-9_]*)'");

    private PsqlScript() {
    }

    /**
     * The statements of {@code script}, in order.
     *
     * @throws IllegalArgumentException naming a variable the script uses and {@code variables} lacks
     */
    static List<String> statements(String script, Map<String, String> variables) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String code = line.replaceAll("--.*$", "").strip();
            if (code.isEmpty()) {
                continue;
            }
            current.append(current.isEmpty() ? "" : " ").append(code);
            if (code.endsWith(";")) {
                statements.add(substitute(current.substring(0, current.length() - 1), variables));
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) {
            statements.add(substitute(current.toString(), variables));
        }
        return statements;
    }

    private static String substitute(String statement, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(statement);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("the script uses psql variable " + m.group(1) + ", which is not given");
            }
            m.appendReplacement(out, Matcher.quoteReplacement("'" + value.replace("'", "''") + "'"));
        }
        m.appendTail(out);
        return out.toString();
    }
}
