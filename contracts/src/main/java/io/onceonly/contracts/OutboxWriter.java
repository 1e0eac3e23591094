package io.onceonly.contracts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.onceonly.contracts.trace.TraceHeaders;
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
 *
 * <p>Inside a traced transaction (the OpenTelemetry API on the class path and a valid current span)
 * each event gets the W3C trace context as the extra headers {@code traceparent} and
 * {@code tracestate}, unless it has its own; the connector, the dedup app and consumers continue
 * the trace from them. {@link Builder#traceContext(boolean)} turns that off.
 */
public final class OutboxWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String table;
    private final boolean deleteAfterInsert;
    private final int maxEventBytes;
    private final boolean traceContext;
    private final String insertOneSql;
    private final String insertManySql;
    private final String deleteOneSql;
    private final String deleteManySql;

    private OutboxWriter(Builder b) {
        this.table = b.table;
        this.deleteAfterInsert = b.deleteAfterInsert;
        this.maxEventBytes = b.maxEventBytes;
        this.traceContext = b.traceContext;
        // One event, one statement, as cheap as a plain insert: PostgreSQL parses the payload to
        // jsonb and inserts it only if its rendering (which is what the relay sends, and can be
        // larger than the text given: {"a":1} renders as {"a": 1}) fits the room the rest of the
        // record leaves. No row inserted is the refusal. "offset 0" keeps the subquery, so the
        // payload is parsed once, not once per reference.
        this.insertOneSql = "insert into " + table + " (id, aggregate_type, aggregate_id, event_type, biz_id, payload, headers)"
                + " select ?, ?, ?, ?, ?, p, ?::jsonb from (select ?::jsonb offset 0) as v(p) where octet_length(p::text) <= ?";
        // Several events, still one statement: each payload is parsed once, every event is inserted
        // or, if one does not fit, none; the first refused event and its rendered size come back
        // in the same round trip.
        this.insertManySql = "with e as (select * from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[],"
                + " ?::text[]::jsonb[], ?::text[]::jsonb[], ?::int[]) with ordinality"
                + " as e(id, aggregate_type, aggregate_id, event_type, biz_id, payload, headers, room, ord)),"
                + " refused as (select ord, octet_length(payload::text) as rendered from e"
                + " where octet_length(payload::text) > room order by ord limit 1),"
                + " inserted as (insert into " + table + " (id, aggregate_type, aggregate_id, event_type, biz_id, payload, headers)"
                + " select id, aggregate_type, aggregate_id, event_type, biz_id, payload, headers from e"
                + " where not exists (select from refused) order by ord returning 1)"
                + " select (select count(*) from inserted), (select ord from refused), (select rendered from refused)";
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

    /** The largest event, as a Kafka record, that this writer accepts. */
    public int maxEventBytes() {
        return maxEventBytes;
    }

    /** Whether events get the current W3C trace context as headers (see the class comment). */
    public boolean writesTraceContext() {
        return traceContext;
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
        Map<String, String> headers = headersOf(event, traceHeaders());
        long beyondPayload = beyondPayload(event, headers);
        try (PreparedStatement insert = tx.prepareStatement(insertOneSql)) {
            insert.setObject(1, event.id());
            insert.setString(2, event.aggregateType());
            insert.setString(3, event.aggregateId());
            insert.setString(4, event.eventType());
            insert.setString(5, event.bizId());
            if (headers.isEmpty()) {
                insert.setNull(6, Types.VARCHAR);
            } else {
                insert.setString(6, headersJson(headers));
            }
            insert.setString(7, event.payload());
            insert.setInt(8, payloadRoom(beyondPayload));
            int rows = insert.executeUpdate();
            if (rows == 0) {
                // Only a refusal pays a second round trip, to tell the size it was refused for.
                long payloadBytes = renderedBytes(tx, event.payload());
                throw new OutboxEventTooLargeException(event, payloadBytes, payloadBytes + beyondPayload, maxEventBytes, 1);
            }
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
        int n = events.size();
        UUID[] ids = new UUID[n];
        String[][] texts = new String[6][n];
        Integer[] payloadRoom = new Integer[n];
        long[] beyondPayload = new long[n];
        Map<String, String> trace = traceHeaders();
        for (int i = 0; i < n; i++) {
            OutboxEvent e = events.get(i);
            Map<String, String> headers = headersOf(e, trace);
            ids[i] = e.id();
            texts[0][i] = e.aggregateType();
            texts[1][i] = e.aggregateId();
            texts[2][i] = e.eventType();
            texts[3][i] = e.bizId();
            texts[4][i] = e.payload();
            texts[5][i] = headers.isEmpty() ? null : headersJson(headers);
            beyondPayload[i] = beyondPayload(e, headers);
            payloadRoom[i] = payloadRoom(beyondPayload[i]);
        }
        try (PreparedStatement insert = tx.prepareStatement(insertManySql)) {
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
            try (PreparedStatement delete = tx.prepareStatement(deleteManySql)) {
                delete.setArray(1, tx.createArrayOf("uuid", ids));
                delete.executeUpdate();
            }
        }
    }

    private static long beyondPayload(OutboxEvent e, Map<String, String> headers) {
        return WireSize.beyondValue(e.aggregateType(), e.aggregateId(), e.eventType(), e.bizId(), headers);
    }

    private Map<String, String> traceHeaders() {
        return traceContext ? TraceHeaders.current() : Map.of();
    }

    /** The event's own headers, plus the trace context unless the event carries a traceparent of its own. */
    private static Map<String, String> headersOf(OutboxEvent e, Map<String, String> trace) {
        if (trace.isEmpty() || e.headers().containsKey(TraceHeaders.TRACEPARENT)) {
            return e.headers();
        }
        Map<String, String> headers = new LinkedHashMap<>(e.headers());
        headers.putAll(trace);
        return headers;
    }

    /** The most bytes the rendered payload may take; -1 refuses any payload, since each renders to one byte at least. */
    private int payloadRoom(long beyondPayload) {
        return (int) Math.max(maxEventBytes - beyondPayload, -1);
    }

    private static long renderedBytes(Connection tx, String payload) throws SQLException {
        try (PreparedStatement measure = tx.prepareStatement("select octet_length(?::jsonb::text)")) {
            measure.setString(1, payload);
            try (ResultSet rs = measure.executeQuery()) {
                rs.next();
                return rs.getLong(1);
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
        private boolean traceContext = true;

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

        /**
         * Whether each event gets the current W3C trace context as headers when the OpenTelemetry API
         * is on the class path and a span is current (default true; without the API nothing is added).
         */
        public Builder traceContext(boolean traceContext) {
            this.traceContext = traceContext;
            return this;
        }

        public OutboxWriter build() {
            return new OutboxWriter(this);
        }
    }
}
