package io.onceonly.spring.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;

/**
 * The connection Spring bound to the current transaction on a {@link DataSource}, for Once's JDBC
 * calls ({@code OutboxWriter}, {@code IdempotentConsumer}) that take a plain {@link Connection}.
 * Their {@link SQLException}s come out as Spring's unchecked {@link DataAccessException}, which
 * rolls a {@code @Transactional} method back by default.
 */
public final class BoundConnection {

    private static final SQLExceptionTranslator TRANSLATOR = new SQLExceptionSubclassTranslator();

    private BoundConnection() {
    }

    /** Work on the transaction's connection. */
    @FunctionalInterface
    public interface Work<T> {
        T on(Connection tx) throws SQLException;
    }

    /**
     * Runs {@code work} on the connection of the current Spring-managed transaction on {@code dataSource}.
     *
     * @param task what runs, for messages
     * @throws IllegalStateException when no such transaction is active (nothing runs)
     * @throws DataAccessException translated from the {@link SQLException} {@code work} threw
     */
    public static <T> T inTransaction(DataSource dataSource, String task, Work<T> work) {
        Connection tx = DataSourceUtils.getConnection(dataSource);
        try {
            if (!DataSourceUtils.isConnectionTransactional(tx, dataSource)) {
                throw new IllegalStateException(task + " must run inside a Spring-managed transaction on its DataSource"
                        + " (a @Transactional method, or TransactionTemplate): without one it would commit apart from"
                        + " the business change");
            }
            return work.on(tx);
        } catch (SQLException e) {
            DataAccessException translated = TRANSLATOR.translate(task, null, e);
            throw translated != null ? translated : new UncategorizedSQLException(task, null, e);
        } finally {
            // Inside a transaction this only lowers Spring's reference count; the transaction keeps its connection.
            DataSourceUtils.releaseConnection(tx, dataSource);
        }
    }
}
