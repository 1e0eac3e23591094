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

import io.onceonly.testkit.PostgresService;
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
        List<OutboxEvent> batch = List.of(event(bizId()), event(bizId()));
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
                for (OutboxEvent e : List.of(single, batch.get(0), batch.get(1))) {
                    assertThat(changes).anySatisfy(line -> assertThat(line).contains("INSERT").contains(e.id().toString()));
                    assertThat(changes).anySatisfy(line -> assertThat(line).contains("DELETE").contains(e.id().toString()));
                }
            } finally {
                s.execute("select pg_drop_replication_slot('" + slot + "')");
            }
        }
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
        try (Connection c = db.getConnection();
             PreparedStatement q = c.prepareStatement("select count(*) from outbox where biz_id like ?")) {
            q.setString(1, prefix + "-%");
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
