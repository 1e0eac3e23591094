package io.onceonly.docker;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects: every series name, whatever functions,
 * aggregations, label matchers, ranges and operators surround it. Enough of PromQL for the
 * expressions of alert rules and dashboards, not a parser: a name is an identifier that is no
 * keyword, is not called like a function, and stands outside braces, brackets and label lists.
 */
final class PromQlMetricNames {

    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern LABEL_LISTS = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    // A number (with a unit or exponent) is consumed whole, so that the "m" of "5m" is not taken for a name.
    private static final Pattern TOKENS = Pattern.compile("\\d[\\w.]*|[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
            "group_left", "group_right", "inf", "nan", "Inf", "NaN", "atan2");

    private PromQlMetricNames() {
    }

    /** The metric names {@code expression} selects, in order of appearance. */
    static Set<String> in(String expression) {
        String rest = STRINGS.matcher(expression).replaceAll(" ");
        rest = LABEL_MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGES.matcher(rest).replaceAll(" ");
        rest = LABEL_LISTS.matcher(rest).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher token = TOKENS.matcher(rest);
        while (token.find()) {
            String word = token.group();
            if (Character.isDigit(word.charAt(0)) || KEYWORDS.contains(word) || calledAt(rest, token.end())) {
                continue;
            }
            names.add(word);
        }
        return names;
    }

    private static boolean calledAt(String text, int end) {
        int i = end;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i < text.length() && text.charAt(i) == '(';
    }
}
