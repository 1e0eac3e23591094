package io.onceonly.contracts;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Appends {@link OutboxEvent}s to the outbox table inside the caller's transaction.
 *
 * <p>The writer never commits, never rolls back and never changes auto-commit: the event becomes
 * visible exactly when the business change does, or never. A connection in auto-commit mode is
 * refused before anything is written. Thread-safe; keep one per application.
 *
 * <p>With {@link Builder#deleteAfterInsert(boolean)} each row is deleted in the same transaction
 * right after its insert: the write-ahead log keeps the insert for the connector, and the table
 * stays empty, so nothing needs purging.
 */
public final class OutboxWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String table;
    private final boolean deleteAfterInsert;
    private final String insertSql;
    private final String deleteOneSql;
    private final String deleteManySql;

    private OutboxWriter(Builder b) {
        this.table = b.table;
        this.deleteAfterInsert = b.deleteAfterInsert;
        this.insertSql = "insert into " + table
                + " (id, aggregate_type, aggregate_id, event_type, biz_id, payload, headers)"
                + " values (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)";
        this.deleteOneSql = "delete from " + table + " where id = ?";
        this.deleteManySql = "delete from " + table + " where id = any(?)";
    }

    /** A writer on table {@code outbox} that keeps its rows. */
    public static OutboxWriter create() {
        return builder().build();
    }

    /** A builder with the defaults of {@link #create()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The table written to. */
    public String table() {
        return table;
    }

    /** Whether rows are deleted in the same transaction right after their insert. */
    public boolean deletesAfterInsert() {
        return deleteAfterInsert;
    }

    /**
     * Writes one event in the caller's transaction.
     *
     * @param tx the business transaction's connection, auto-commit off
     * @throws IllegalStateException if {@code tx} is in auto-commit mode (nothing is written)
     * @throws SQLException as the driver reports it; the caller decides to roll back
     */
    public void append(Connection tx, OutboxEvent event) throws SQLException {
        OpenTransaction.require(tx, "OutboxWriter.append");
        try (PreparedStatement insert = tx.prepareStatement(insertSql)) {
            bind(insert, event);
            int rows = insert.executeUpdate();
            if (rows != 1) {
                throw new SQLException("insert into " + table + " of event " + event.id() + " affected " + rows + " rows, expected 1");
            }
        }
        if (deleteAfterInsert) {
            try (PreparedStatement delete = tx.prepareStatement(deleteOneSql)) {
                delete.setObject(1, event.id());
                delete.executeUpdate();
            }
        }
    }

    /**
     * Writes several events in the caller's transaction with one JDBC batch, in list order (which
     * is their order on the topic, per aggregate).
     *
     * @param tx the business transaction's connection, auto-commit off
     * @throws IllegalStateException if {@code tx} is in auto-commit mode (nothing is written)
     */
    public void appendAll(Connection tx, List<OutboxEvent> events) throws SQLException {
        OpenTransaction.require(tx, "OutboxWriter.appendAll");
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = tx.prepareStatement(insertSql)) {
            for (OutboxEvent event : events) {
                bind(insert, event);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        if (deleteAfterInsert) {
            Object[] ids = events.stream().map(OutboxEvent::id).toArray();
            Array idArray = tx.createArrayOf("uuid", ids);
            try (PreparedStatement delete = tx.prepareStatement(deleteManySql)) {
                delete.setArray(1, idArray);
                delete.executeUpdate();
            } finally {
                idArray.free();
            }
        }
    }

    private static void bind(PreparedStatement insert, OutboxEvent event) throws SQLException {
        insert.setObject(1, event.id());
        insert.setString(2, event.aggregateType());
        insert.setString(3, event.aggregateId());
        insert.setString(4, event.eventType());
        insert.setString(5, event.bizId());
        insert.setString(6, event.payload());
        if (event.headers().isEmpty()) {
            insert.setNull(7, Types.VARCHAR);
        } else {
            insert.setString(7, headersJson(event.headers()));
        }
    }

    private static String headersJson(Map<String, String> headers) {
        try {
            return MAPPER.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            // A map of strings always serializes; reaching this is a bug, not bad input.
            throw new IllegalStateException("cannot serialize headers " + headers.keySet(), e);
        }
    }

    /** Builds an {@link OutboxWriter}. */
    public static final class Builder {
        private String table = OutboxSchema.OUTBOX_TABLE;
        private boolean deleteAfterInsert;

        private Builder() {
        }

        /** The outbox table, optionally schema-qualified (default {@code outbox}). */
        public Builder table(String table) {
            this.table = TableName.require("table", table);
            return this;
        }

        /** Delete each row in the same transaction right after inserting it (default false). */
        public Builder deleteAfterInsert(boolean deleteAfterInsert) {
            this.deleteAfterInsert = deleteAfterInsert;
            return this;
        }

        public OutboxWriter build() {
            return new OutboxWriter(this);
        }
    }
}
