package io.onceonly.spring.outbox;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessException;

import io.onceonly.contracts.OutboxEvent;
import io.onceonly.contracts.OutboxWriter;
import io.onceonly.spring.jdbc.BoundConnection;

/**
 * The outbox of the current Spring-managed transaction: {@link #append} writes the event with
 * {@link OutboxWriter} on the connection the transaction holds, so the business rows and the event
 * commit or roll back together.
 *
 * <pre>{@code
 * @Transactional
 * public void pay(Payment p) {
 *     jdbc.update("insert into payment ...", ...);     // the business change
 *     outbox.append(OutboxEvent.builder()...build());  // same transaction
 * }
 * }</pre>
 *
 * <p>Outside a transaction on the same {@link DataSource} (a {@code DataSourceTransactionManager},
 * {@code JdbcTransactionManager}, or {@code JpaTransactionManager} on that data source) it refuses,
 * before writing anything: the event would commit apart from the business change. Failures come as
 * Spring's unchecked {@link DataAccessException}, so a {@code @Transactional} method rolls back by
 * default. Thread-safe.
 */
public final class TransactionalOutbox {

    private final DataSource dataSource;
    private final OutboxWriter writer;

    /** An outbox writing with {@code writer} in transactions on {@code dataSource}. */
    public TransactionalOutbox(DataSource dataSource, OutboxWriter writer) {
        this.dataSource = dataSource;
        this.writer = writer;
    }

    /**
     * Writes one event in the current transaction.
     *
     * @throws IllegalStateException outside a Spring-managed transaction on this data source (nothing is written)
     * @throws DataAccessException as the database or {@link OutboxWriter} refused it (an event too large among others)
     */
    public void append(OutboxEvent event) {
        BoundConnection.inTransaction(dataSource, "TransactionalOutbox.append", tx -> {
            writer.append(tx, event);
            return null;
        });
    }

    /**
     * Writes several events in the current transaction with one statement, in list order; all of
     * them or, if one is refused, none.
     *
     * @throws IllegalStateException outside a Spring-managed transaction on this data source (nothing is written)
     * @throws DataAccessException as the database or {@link OutboxWriter} refused them
     */
    public void appendAll(List<OutboxEvent> events) {
        BoundConnection.inTransaction(dataSource, "TransactionalOutbox.appendAll", tx -> {
            writer.appendAll(tx, events);
            return null;
        });
    }

    /** The writer used, with its table and limits. */
    public OutboxWriter writer() {
        return writer;
    }
}
