package io.onceonly.contracts.wire;

/**
 * Wording of validation errors, shared by every check of the contract so that each one names the
 * field, the bad value (cut short) and the rule it broke.
 */
public final class Violations {

    private static final int MAX_SHOWN = 60;

    private Violations() {
    }

    /** {@code field 'value' rule}, with long values cut and control characters made visible. */
    public static String describe(String field, Object value, String rule) {
        return field + " " + show(value) + " " + rule;
    }

    /** A value as it appears in an error message. */
    public static String show(Object value) {
        if (value == null) {
            return "(null)";
        }
        String text = value.toString();
        StringBuilder shown = new StringBuilder("'");
        int limit = Math.min(text.length(), MAX_SHOWN);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                shown.append(String.format("\\u%04x", (int) c));
            } else {
                shown.append(c);
            }
        }
        shown.append('\'');
        if (text.length() > MAX_SHOWN) {
            shown.append("... (").append(text.length()).append(" chars)");
        }
        return shown.toString();
    }
}
