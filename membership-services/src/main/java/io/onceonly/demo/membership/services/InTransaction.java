package io.onceonly.demo.membership.services;

import java.sql.Connection;
import java.sql.SQLException;

/** Runs work on a connection in one transaction: committed if it returns, rolled back if it throws. */
public final class InTransaction {

    /** Work on a connection. */
    @FunctionalInterface
    public interface Work {
        void run(Connection c) throws SQLException;
    }

    private InTransaction() {
    }

    /** Runs {@code work} in one transaction and leaves {@code c} in auto-commit mode. */
    public static void run(Connection c, Work work) throws SQLException {
        c.setAutoCommit(false);
        try {
            work.run(c);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
