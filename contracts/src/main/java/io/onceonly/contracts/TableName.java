package io.onceonly.contracts;

import java.util.regex.Pattern;

import io.onceonly.contracts.wire.Violations;

/** Table names go into SQL text, so only plain identifiers are accepted. */
final class TableName {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private TableName() {
    }

    static String require(String field, String table) {
        if (table == null || !IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException(Violations.describe(field, table,
                    "must be a plain SQL identifier, optionally schema-qualified, like outbox or app.outbox"));
        }
        return table;
    }
}
