package io.onceonly.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import io.onceonly.contracts.trace.TraceHeaders;
import io.onceonly.contracts.wire.WireLimits;
import io.onceonly.contracts.wire.WireSize;
import io.onceonly.stack.PostgresService;
import io.onceonly.testkit.WithStack;

@WithStack(scope = WithStack.Scope.JVM)
class OutboxWriterIT {

    private static DataSource db;
    private final OutboxWriter writer = OutboxWriter.create();

    @BeforeAll
    static void schema(PostgresService postgres) throws SQLException {
        db = postgres.dataSource();
        try (Connection c = db.getConnection()) {
            OutboxSchema.install(c);
        }
    }

    private static OutboxEvent event(String bizId) {
        return OutboxEvent.builder().aggregateType("payment").aggregateId("user-" + bizId).eventType("PaymentCompleted")
                .bizId(bizId).payloadJson("{\"paymentId\":\"" + bizId + "\",\"amountCents\":1999}")
                .header("traceparent", "00-4bf92f3577b34da6-01").build();
    }

    private static String bizId() {
        return "pay-" + UUID.randomUUID();
    }

    @Test
    void aCommittedEventIsVisibleWithEveryColumnAsWritten() throws Exception {
        OutboxEvent event = event(bizId());
        OffsetDateTime before;
        try (Connection tx = db.getConnection()) {
            tx.setAutoCommit(false);
            before = now(tx);
            writer.append(tx, event);
            tx.commit();
        }

        try (Connection c = db.getConnection();
             PreparedStatement q = c.prepareStatement("select id, aggregate_type, aggregate_id, event_type, biz_id,"
                     + " payload::text, headers::text, created_at from outbox where biz_id = ?")) {
            q.setString(1, event.bizId());
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject(1)).isEqualTo(event.id());
                assertThat(rs.getString(2)).isEqualTo("payment");
                assertThat(rs.getString(3)).isEqualTo(event.aggregateId());
                assertThat(rs.getString(4)).isEqualTo("PaymentCompleted");
                assertThat(rs.getString(5)).isEqualTo(event.bizId());
                ObjectMapper json = new ObjectMapper();
                assertThat(json.readTree(rs.getString(6))).isEqualTo(json.readTree(event.payload()));
                assertThat(json.readTree(rs.getString(7))).isEqualTo(json.valueToTree(event.headers()));
                assertThat(rs.getObject(8, OffsetDateTime.class)).isAfterOrEqualTo(before);
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void insideASpanTheEventCarriesItsTraceContextAndOutsideNone() throws Exception {
        OutboxEvent traced = plainEvent(bizId());
        OutboxEvent untraced = plainEvent(bizId());
        SpanContext spanContext;
        // No global registration and no agent: the writer reads the current context through the API alone.
        // (An SDK without a span processor makes only invalid spans, so the test gives it one.)
        try (SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build()) {
            Span span = tracing.get("test").spanBuilder("pay").startSpan();
            spanContext = span.getSpanContext();
            try (Scope ignored = span.makeCurrent(); Connection tx = db.getConnection()) {
                tx.setAutoCommit(false);
                writer.appendAll(tx, List.of(traced));
                tx.commit();
            } finally {
                span.end();
            }
        }
        try (Connection tx = db.getConnection()) {
            tx.setAutoCommit(false);
            writer.append(tx, untraced);
            tx.commit();
        }

        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(headersOf(traced)).path(TraceHeaders.TRACEPARENT).asText())
                .isEqualTo("00-" + spanContext.getTraceId() + "-" + spanContext.getSpanId() + "-" + spanContext.getTraceFlags().asHex());
        assertThat(headersOf(untraced)).isNull();
    }

    @Test
    void anEventsOwnTraceparentIsKeptAndTheOptionTurnsTracingOff() throws Exception {
        OutboxEvent own = event(bizId());
        OutboxEvent off = plainEvent(bizId());
        try (SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build()) {
            Span span = tracing.get("test").spanBuilder("pay").startSpan();
            try (Scope ignored = span.makeCurrent(); Connection tx = db.getConnection()) {
                tx.setAutoCommit(false);
                writer.append(tx, own);
                OutboxWriter.builder().traceContext(false).build().append(tx, off);
                tx.commit();
            } finally {
                span.end();
            }
        }
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(headersOf(own))).isEqualTo(json.valueToTree(own.headers()));
        assertThat(headersOf(off)).isNull();
    }

    private static OutboxEvent plainEvent(String bizId) {
        return OutboxEvent.builder().aggregateType("payment").aggregateId("user-" + bizId).eventType("PaymentCompleted")
                .bizId(bizId).payloadJson("{\"paymentId\":\"" + bizId + "\"}").build();
    }

    private static String headersOf(OutboxEvent event) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement q = c.prepareStatement("select headers::text from outbox where id = ?")) {
            q.setObject(1, event.id());
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    @Test
    void aRolledBackTransactionLeavesNoRow() throws Exception {
        String bizId = bizId();
        try (Connection tx = db.getConnection()) {
            tx.setAutoCommit(false);
            writer.appendAll(tx, List.of(event(bizId), event(bizId)));
            assertThat(countByBizId(tx, bizId)).isEqualTo(2);
            tx.rollback();
        }

        assertThat(countByBizId(bizId)).isZero();
    }

    @Test
    void anAutoCommitConnectionIsRefusedAndNothingIsWritten() throws Exception {
        String bizId = bizId();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(true);
            assertThatThrownBy(() -> writer.append(c, event(bizId)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("auto-commit")
                    .hasMessageContaining("setAutoCommit(false)");
            assertThatThrownBy(() -> writer.appendAll(c, List.of(event(bizId))))
                    .isInstanceOf(IllegalStateException.class);
        }

        assertThat(countByBizId(bizId)).isZero();
    }

    @Test
    void appendAllWritesABatchInListOrderAndNeverCommits() throws Exception {
        String prefix = bizId();
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            events.add(event(prefix + "-" + i));
        }
        try (Connection tx = db.getConnection()) {
            tx.setAutoCommit(false);
            writer.appendAll(tx, events);
            // Still uncommitted: another session sees nothing yet.
            assertThat(countByBizIdPrefix(prefix)).isZero();
            tx.commit();
        }

        assertThat(countByBizIdPrefix(prefix)).isEqualTo(250);
    }

    @Test
    void deleteAfterInsertKeepsTheTableEmptyButTheInsertInTheWal() throws Exception {
        OutboxWriter deleting = OutboxWriter.builder().deleteAfterInsert(true).build();
        String slot = "once_test_" + UUID.randomUUID().toString().replace("-", "");
        OutboxEvent single = event(bizId());
        OutboxEvent earlier = event(bizId());
        // List order against id order, so that only list order can explain the order in the WAL.
        List<OutboxEvent> batch = List.of(event(bizId()), earlier);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("select pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
            try {
                c.setAutoCommit(false);
                deleting.append(c, single);
                deleting.appendAll(c, batch);
                c.commit();
                c.setAutoCommit(true);

                assertThat(countByBizId(single.bizId()) + countByBizId(batch.get(0).bizId()) + countByBizId(batch.get(1).bizId())).isZero();
                List<String> changes = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("select data from pg_logical_slot_get_changes('" + slot + "', null, null)")) {
                    while (rs.next()) {
                        changes.add(rs.getString(1));
                    }
                }
                int previousInsert = -1;
                for (OutboxEvent e : List.of(single, batch.get(0), batch.get(1))) {
                    assertThat(changes).anySatisfy(line -> assertThat(line).contains("DELETE").contains(e.id().toString()));
                    // The inserts reach the WAL, hence the topic, in list order.
                    int insert = indexOf(changes, "INSERT", e.id());
                    assertThat(insert).isGreaterThan(previousInsert);
                    previousInsert = insert;
                }
            } finally {
                s.execute("select pg_drop_replication_slot('" + slot + "')");
            }
        }
    }

    /** An event whose payload is a JSON string of {@code chars} x's: jsonb renders it byte for byte. */
    private static OutboxEvent stringEvent(String bizId, int chars) {
        return OutboxEvent.builder().aggregateType("payment").aggregateId("user-" + bizId).eventType("PaymentCompleted")
                .bizId(bizId).payloadJson("\"" + "x".repeat(chars - 2) + "\"").header("traceparent", "00-4bf92f3577b34da6-01")
                .maxPayloadBytes(Integer.MAX_VALUE).build();
    }

    private static long beyondPayload(OutboxEvent e) {
        return WireSize.beyondValue(e.aggregateType(), e.aggregateId(), e.eventType(), e.bizId(), e.headers());
    }

    @Test
    void anEventJustUnderTheDefaultLimitIsWrittenAndOneByteMoreIsRefused() throws Exception {
        assertThat(writer.maxEventBytes()).isEqualTo(WireLimits.DEFAULT_MAX_EVENT_BYTES);
        String fitting = bizId();
        String tooLarge = bizId();
        int room = (int) (WireLimits.DEFAULT_MAX_EVENT_BYTES - beyondPayload(stringEvent(fitting, 2)));
        OutboxEvent justOver = stringEvent(tooLarge, room + 1);
        try (Connection tx = db.getConnection()) {
            tx.setAutoCommit(false);
            writer.append(tx, stringEvent(fitting, room));
            assertThatThrownBy(() -> writer.append(tx, justOver))
                    .isInstanceOfSatisfying(OutboxEventTooLargeException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("54000");
                        assertThat(e.eventId()).isEqualTo(justOver.id());
                        assertThat(e.wireBytes()).isEqualTo(WireLimits.DEFAULT_MAX_EVENT_BYTES + 1);
                        assertThat(e.maxEventBytes()).isEqualTo(WireLimits.DEFAULT_MAX_EVENT_BYTES);
                    })
                    .hasMessageContaining("refused event " + justOver.id())
                    .hasMessageContaining("it is " + (WireLimits.DEFAULT_MAX_EVENT_BYTES + 1) + " bytes on the wire")
                    .hasMessageContaining("over maxEventBytes " + WireLimits.DEFAULT_MAX_EVENT_BYTES)
                    .hasMessageContaining("Nothing of it was written.")
                    .hasMessageContaining("Make the payload smaller, or raise OutboxWriter.Builder.maxEventBytes")
                    .hasMessageContaining("max.request.size")
                    .hasMessageContaining("max.message.bytes");
            tx.commit();
        }

        assertThat(countByBizId(fitting)).isEqualTo(1);
        assertThat(countByBizId(tooLarge)).isZero();
    }

    @Test
    void anEventThatFitsOnlyBeforeJsonbAddsItsSpacesIsRefused() throws Exception {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < 100; i++) {
            json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        String payload = json.append('}').toString();
        OutboxEvent event = OutboxEvent.builder().aggregateType("payment").aggregateId("user-1").eventType("PaymentCompleted")
                .bizId(bizId()).payloadJson(payload).build();
        int rendered = payload.length() + 100 + 99; // jsonb writes ": " and ", "
        long beyond = beyondPayload(event);
        OutboxWriter tight = OutboxWriter.builder().maxEventBytes((int) (beyond + payload.length() + 50)).build();
        try (Connection tx = db.getConnection()) {
            tx.setAutoCommit(false);
            assertThatThrownBy(() -> tight.append(tx, event))
                    .isInstanceOf(OutboxEventTooLargeException.class)
                    .hasMessageContaining("it is " + (beyond + rendered) + " bytes on the wire (payload as PostgreSQL renders jsonb "
                            + rendered + " bytes; key, headers and record framing " + beyond + ")");
            tx.commit();
        }
        assertThat(countByBizId(event.bizId())).isZero();

        OutboxWriter roomy = OutboxWriter.builder().maxEventBytes((int) (beyond + rendered)).build();
        try (Connection tx = db.getConnection()) {
            tx.setAutoCommit(false);
            roomy.append(tx, event);
            tx.commit();
        }
        assertThat(countByBizId(event.bizId())).isEqualTo(1);
    }

    @Test
    void aRefusalLeavesTheBusinessTransactionUsableAndItRollsBackCleanly() throws Exception {
        OutboxWriter tight = OutboxWriter.builder().maxEventBytes(2000).build();
        String business = bizId();
        OutboxEvent large = stringEvent(bizId(), 2000);
        OutboxEvent small = event(bizId());
        try (Connection tx = db.getConnection(); Statement s = tx.createStatement()) {
            s.execute("create table if not exists business_change (biz_id text primary key)");
            tx.setAutoCommit(false);
            s.execute("insert into business_change values ('" + business + "')");
            assertThatThrownBy(() -> tight.append(tx, large)).isInstanceOf(OutboxEventTooLargeException.class);
            // The refusal is an answer, not a failed statement: the transaction goes on.
            tight.append(tx, small);
            assertThat(countByBizId(tx, small.bizId())).isEqualTo(1);
            tx.rollback();
            try (ResultSet rs = s.executeQuery("select count(*) from business_change where biz_id = '" + business + "'")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
        assertThat(countByBizId(large.bizId()) + countByBizId(small.bizId())).isZero();
    }

    @Test
    void appendAllWritesNoneOfABatchWithOneEventTooLargeAndNamesIt() throws Exception {
        String prefix = bizId();
        OutboxEvent large = stringEvent(prefix + "-1", 5000);
        List<OutboxEvent> batch = List.of(event(prefix + "-0"), large, event(prefix + "-2"), stringEvent(prefix + "-3", 6000));
        for (OutboxWriter tight : List.of(OutboxWriter.builder().maxEventBytes(4000).build(),
                OutboxWriter.builder().maxEventBytes(4000).deleteAfterInsert(true).build())) {
            try (Connection tx = db.getConnection()) {
                tx.setAutoCommit(false);
                assertThatThrownBy(() -> tight.appendAll(tx, batch))
                        .isInstanceOfSatisfying(OutboxEventTooLargeException.class, e -> assertThat(e.eventId()).isEqualTo(large.id()))
                        .hasMessageContaining("refused event " + large.id() + " (biz-id " + large.bizId())
                        .hasMessageContaining("it is " + (beyondPayload(large) + 5000) + " bytes on the wire")
                        .hasMessageContaining("over maxEventBytes 4000")
                        .hasMessageContaining("nor any of the other 3 events of this appendAll");
                assertThat(countByBizIdPrefix(tx, prefix)).isZero();
                tx.commit();
            }
            assertThat(countByBizIdPrefix(prefix)).isZero();
        }
    }

    @Test
    void deleteAfterInsertRefusesALargeEventBeforeWritingAnything() throws Exception {
        OutboxWriter deleting = OutboxWriter.builder().deleteAfterInsert(true).maxEventBytes(3000).build();
        OutboxEvent large = stringEvent(bizId(), 3000);
        String slot = "once_test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("select pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
            try {
                c.setAutoCommit(false);
                assertThatThrownBy(() -> deleting.append(c, large)).isInstanceOf(OutboxEventTooLargeException.class);
                c.commit();
                c.setAutoCommit(true);
                try (ResultSet rs = s.executeQuery("select count(*) from pg_logical_slot_get_changes('" + slot + "', null, null)"
                        + " where data like '%" + large.id() + "%'")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isZero();
                }
            } finally {
                s.execute("select pg_drop_replication_slot('" + slot + "')");
            }
        }
    }

    @Test
    void aNonPositiveMaxEventBytesIsRefusedUpFront() {
        assertThatThrownBy(() -> OutboxWriter.builder().maxEventBytes(0))
                .hasMessageContaining("maxEventBytes '0' must be positive");
    }

    private static int indexOf(List<String> changes, String operation, UUID id) {
        for (int i = 0; i < changes.size(); i++) {
            if (changes.get(i).contains(operation) && changes.get(i).contains(id.toString())) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aBadTableNameIsRefusedUpFront() {
        assertThatThrownBy(() -> OutboxWriter.builder().table("outbox; drop table x"))
                .hasMessageContaining("table 'outbox; drop table x' must be a plain SQL identifier");
    }

    @Test
    void theSchemaInstallsAgainWithoutHarm() throws Exception {
        try (Connection c = db.getConnection()) {
            OutboxSchema.install(c);
            OutboxSchema.install(c);
            assertThat(c.getAutoCommit()).isTrue();
        }
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            OutboxSchema.install(c);
            c.rollback();
        }
        assertThat(OutboxSchema.statements()).hasSize(4);
        assertThat(tablesInstalledBy(OutboxSchema::installProcessedMessage, "consumer_only")).isEqualTo("processed_message");
        assertThat(tablesInstalledBy(OutboxSchema::installOutbox, "writer_only")).isEqualTo("outbox");
    }

    /** The tables that {@code install} creates in a fresh schema {@code schema}, comma-separated. */
    private static String tablesInstalledBy(SchemaInstall install, String schema) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("create schema if not exists " + schema);
            s.execute("set search_path to " + schema);
            install.run(c);
            s.execute("set search_path to default");
            try (ResultSet rs = s.executeQuery("select string_agg(table_name, ',' order by table_name) from information_schema.tables"
                    + " where table_schema = '" + schema + "'")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private interface SchemaInstall {
        void run(Connection c) throws SQLException;
    }

    @Test
    void purgingByAgeCanUseTheCreatedAtIndex() throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("set enable_seqscan = off");
            try (ResultSet rs = s.executeQuery("explain delete from outbox where created_at < now() - interval '1 day'")) {
                StringBuilder plan = new StringBuilder();
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
                assertThat(plan.toString()).contains("outbox_created_at_idx");
            }
        }
    }

    private static OffsetDateTime now(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select now()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class);
        }
    }

    private static long countByBizId(String bizId) throws SQLException {
        try (Connection c = db.getConnection()) {
            return countByBizId(c, bizId);
        }
    }

    private static long countByBizId(Connection c, String bizId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select count(*) from outbox where biz_id = ?")) {
            q.setString(1, bizId);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long countByBizIdPrefix(String prefix) throws SQLException {
        try (Connection c = db.getConnection()) {
            return countByBizIdPrefix(c, prefix);
        }
    }

    private static long countByBizIdPrefix(Connection c, String prefix) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select count(*) from outbox where biz_id like ?")) {
            q.setString(1, prefix + "-%");
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
