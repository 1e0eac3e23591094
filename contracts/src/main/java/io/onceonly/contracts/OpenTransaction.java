package io.onceonly.contracts;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The guard of every write that must be atomic with the caller's business change: such a write is
 * only safe on a connection with a transaction the caller will commit.
 */
final class OpenTransaction {

    private OpenTransaction() {
    }

    static void require(Connection tx, String operation) throws SQLException {
        if (tx == null) {
            throw new IllegalArgumentException(operation + " needs the connection of the business transaction, got null");
        }
        if (tx.getAutoCommit()) {
            throw new IllegalStateException(operation + " refused a connection in auto-commit mode: the write would commit"
                    + " on its own, apart from the business change. Call connection.setAutoCommit(false), make the"
                    + " business change and this write, then commit.");
        }
    }
}
