package io.onceonly.contracts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.onceonly.contracts.wire.Violations;
import io.onceonly.contracts.wire.WireLimits;
import io.onceonly.contracts.wire.WireSize;

/**
 * Appends {@link OutboxEvent}s to the outbox table inside the caller's transaction.
 *
 * <p>The writer never commits, never rolls back and never changes auto-commit: the event becomes
 * visible exactly when the business change does, or never. A connection in auto-commit mode is
 * refused before anything is written. Thread-safe; keep one per application.
 *
 * <p>An event that would be larger as a Kafka record than {@link Builder#maxEventBytes(int)} is
 * refused with {@link OutboxEventTooLargeException}, measured by PostgreSQL in the insert itself:
 * Kafka would refuse it after the business change had committed.
 *
 * <p>With {@link Builder#deleteAfterInsert(boolean)} each row is deleted in the same transaction
 * right after its insert: the write-ahead log keeps the insert for the connector, and the table
 * stays empty, so nothing needs purging.
 */
public final class OutboxWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String table;
    private final boolean deleteAfterInsert;
    private final int maxEventBytes;
    private final String insertSql;
    private final String deleteSql;

    private OutboxWriter(Builder b) {
        this.table = b.table;
        this.deleteAfterInsert = b.deleteAfterInsert;
        this.maxEventBytes = b.maxEventBytes;
        // One statement per call, whatever the number of events: PostgreSQL parses each payload to
        // jsonb once, measures its rendering (which is what the relay sends, and can be larger than
        // the text given: {"a":1} renders as {"a": 1}) against the room the rest of the record
        // leaves, and inserts every event or, if one does not fit, none. It returns the first
        // refused event and its rendered size, so a refusal costs no extra round trip either.
        this.insertSql = "with e as (select * from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[],"
                + " ?::text[]::jsonb[], ?::text[]::jsonb[], ?::int[]) with ordinality"
                + " as e(id, aggregate_type, aggregate_id, event_type, biz_id, payload, headers, room, ord)),"
                + " refused as (select ord, octet_length(payload::text) as rendered from e"
                + " where octet_length(payload::text) > room order by ord limit 1),"
                + " inserted as (insert into " + table + " (id, aggregate_type, aggregate_id, event_type, biz_id, payload, headers)"
                + " select id, aggregate_type, aggregate_id, event_type, biz_id, payload, headers from e"
                + " where not exists (select from refused) order by ord returning 1)"
                + " select (select count(*) from inserted), (select ord from refused), (select rendered from refused)";
        this.deleteSql = "delete from " + table + " where id = any(?)";
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

    /** The largest event, as a Kafka record, that this writer accepts. */
    public int maxEventBytes() {
        return maxEventBytes;
    }

    /**
     * Writes one event in the caller's transaction.
     *
     * @param tx the business transaction's connection, auto-commit off
     * @throws IllegalStateException if {@code tx} is in auto-commit mode (nothing is written)
     * @throws OutboxEventTooLargeException if the event as a Kafka record would exceed
     *         {@link #maxEventBytes()} (nothing is written; the transaction stays usable)
     * @throws SQLException as the driver reports it; the caller decides to roll back
     */
    public void append(Connection tx, OutboxEvent event) throws SQLException {
        OpenTransaction.require(tx, "OutboxWriter.append");
        write(tx, List.of(event));
    }

    /**
     * Writes several events in the caller's transaction with one statement, in list order (which
     * is their order on the topic, per aggregate). All of them or, if one is too large, none.
     *
     * @param tx the business transaction's connection, auto-commit off
     * @throws IllegalStateException if {@code tx} is in auto-commit mode (nothing is written)
     * @throws OutboxEventTooLargeException naming the first event that as a Kafka record would
     *         exceed {@link #maxEventBytes()} (none of the events is written; the transaction stays usable)
     */
    public void appendAll(Connection tx, List<OutboxEvent> events) throws SQLException {
        OpenTransaction.require(tx, "OutboxWriter.appendAll");
        if (events.isEmpty()) {
            return;
        }
        write(tx, events);
    }

    private void write(Connection tx, List<OutboxEvent> events) throws SQLException {
        int n = events.size();
        UUID[] ids = new UUID[n];
        String[][] texts = new String[6][n];
        Integer[] payloadRoom = new Integer[n];
        long[] beyondPayload = new long[n];
        for (int i = 0; i < n; i++) {
            OutboxEvent e = events.get(i);
            ids[i] = e.id();
            texts[0][i] = e.aggregateType();
            texts[1][i] = e.aggregateId();
            texts[2][i] = e.eventType();
            texts[3][i] = e.bizId();
            texts[4][i] = e.payload();
            texts[5][i] = e.headers().isEmpty() ? null : headersJson(e.headers());
            beyondPayload[i] = WireSize.beyondValue(e.aggregateType(), e.aggregateId(), e.eventType(), e.bizId(), e.headers());
            // Every payload renders to at least one byte, so a room of -1 refuses the event whatever it holds.
            payloadRoom[i] = (int) Math.max(maxEventBytes - beyondPayload[i], -1);
        }
        try (PreparedStatement insert = tx.prepareStatement(insertSql)) {
            insert.setArray(1, tx.createArrayOf("uuid", ids));
            for (int c = 0; c < texts.length; c++) {
                insert.setArray(c + 2, tx.createArrayOf("text", texts[c]));
            }
            insert.setArray(8, tx.createArrayOf("int4", payloadRoom));
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                long inserted = rs.getLong(1);
                int refused = rs.getInt(2);
                if (!rs.wasNull()) {
                    long payloadBytes = rs.getLong(3);
                    throw new OutboxEventTooLargeException(events.get(refused - 1), payloadBytes,
                            payloadBytes + beyondPayload[refused - 1], maxEventBytes, n);
                }
                if (inserted != n) {
                    throw new SQLException("insert into " + table + " of " + n + " events affected " + inserted + " rows, expected " + n);
                }
            }
        }
        if (deleteAfterInsert) {
            try (PreparedStatement delete = tx.prepareStatement(deleteSql)) {
                delete.setArray(1, tx.createArrayOf("uuid", ids));
                delete.executeUpdate();
            }
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
        private int maxEventBytes = WireLimits.DEFAULT_MAX_EVENT_BYTES;

        private Builder() {
        }

        /** The outbox table, optionally schema-qualified (default {@code outbox}). */
        public Builder table(String table) {
            this.table = TableName.require("table", table);
            return this;
        }

        /**
         * The largest event the writer accepts, in bytes of the Kafka record the relay will make of
         * it: the payload as PostgreSQL renders jsonb, the key (aggregate id), Once's headers, the
         * extra headers and {@link WireLimits#RECORD_FRAMING_BYTES} (default
         * {@value WireLimits#DEFAULT_MAX_EVENT_BYTES}, under Kafka's default 1 MiB). Raise it only
         * together with the connector producer's {@code max.request.size} and the outbox topics'
         * {@code max.message.bytes}.
         */
        public Builder maxEventBytes(int maxEventBytes) {
            if (maxEventBytes <= 0) {
                throw new IllegalArgumentException(Violations.describe("maxEventBytes", maxEventBytes,
                        "must be positive: it is the largest Kafka record an event may become, for example "
                                + WireLimits.DEFAULT_MAX_EVENT_BYTES));
            }
            this.maxEventBytes = maxEventBytes;
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
