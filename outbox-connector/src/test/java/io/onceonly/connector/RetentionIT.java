package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.retention.OutboxPurge;
import io.onceonly.connector.retention.RelayedWatermark;
import io.onceonly.connector.standby.Role;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.stack.Await;
import io.onceonly.stack.KafkaBroker;
import io.onceonly.stack.PostgresService;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * {@code outbox.retention}: old rows go once the relay has confirmed them, young ones stay, and
 * old ones the relay has not confirmed stay however old they are: written while Kafka is down, or
 * by a transaction that commits after newer rows were relayed (its row's creation time is older
 * than theirs). A purge never makes a record, and never makes a writer wait.
 */
@WithStack
class RetentionIT {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionIT.class);
    private static final long PERIOD_MS = 300;
    private static final String DEAD_LETTERS = "outbox.dead-letter";

    @BeforeAll
    static void schema(TestStack stack) throws SQLException {
        ConnectorFixture.installOutbox(stack.postgres());
    }

    @Test
    void relayedRowsOlderThanTheRetentionGoYoungOnesStayAndOnesWrittenWhileKafkaIsDownStayUntilRelayed(TestStack stack)
            throws Exception {
        PostgresService pg = stack.postgres();
        table(pg, "outbox_ret");
        try (OutboxConnector connector = start(stack, "retention_it", "public.outbox_ret")) {
            insert(pg, "outbox_ret", "ret", "old-", 40, Duration.ofHours(2));
            insert(pg, "outbox_ret", "ret", "young-", 10, Duration.ZERO);
            assertThat(bizIds(stack, "outbox.ret", 50)).hasSize(50);

            Await.until("relayed rows older than the retention purged", Duration.ofSeconds(60),
                    () -> count(pg, "outbox_ret", "biz_id like 'old-%'") == 0, () -> connector.health().details().get("retention"));
            assertThat(count(pg, "outbox_ret", "biz_id like 'young-%'")).isEqualTo(10);
            assertThat(connector.retention().deletedCount()).isEqualTo(40);
            Await.until("the row estimate read", Duration.ofSeconds(30),
                    () -> connector.registry().scrape().contains("once_connector_outbox_rows_estimate "));
            assertThat(connector.registry().scrape()).contains("once_connector_retention_rows_deleted_total 40.0");

            // A standby (same configuration, the slot held by the active one) checks the grant but never looks.
            try (OutboxConnector standby = start(stack, "retention_it", "public.outbox_ret")) {
                assertThat(standby.role()).isEqualTo(Role.STANDBY);
                insert(pg, "outbox_ret", "ret", "old-again-", 5, Duration.ofHours(2));
                Await.until("purged by the active instance", Duration.ofSeconds(60),
                        () -> count(pg, "outbox_ret", "biz_id like 'old-again-%'") == 0);
                assertThat(retention(standby).get("lastRunAt")).isNull();
                assertThat(standby.retention().deletedCount()).isZero();
            }

            whileKafkaIsDown(stack, () -> {
                insert(pg, "outbox_ret", "ret", "unrelayed-", 20, Duration.ofHours(2));
                looksAfterNow(connector);
                assertThat(count(pg, "outbox_ret", "biz_id like 'unrelayed-%'")).as("old but not relayed: kept").isEqualTo(20);
            });
            Await.until("relayed once Kafka is back, then purged", Duration.ofSeconds(120),
                    () -> count(pg, "outbox_ret", "biz_id like 'unrelayed-%'") == 0, () -> connector.health().details().get("retention"));
            Set<String> relayed = bizIds(stack, "outbox.ret", 75);
            assertThat(relayed).as("every row on Kafka, and nothing made of the deletes").hasSize(75)
                    .allMatch(id -> id.startsWith("old-") || id.startsWith("young-") || id.startsWith("unrelayed-"));
            assertThat(count(pg, "outbox_ret", "true")).isEqualTo(10);
            assertThat(TopicReader.read(stack.kafka(), DEAD_LETTERS, 1, Duration.ofSeconds(3), Duration.ZERO)).as("dead letters")
                    .isEmpty();
            LOG.info("retention after the outage: {}", connector.health().details().get("retention"));
        }
    }

    /**
     * The case a creation time cannot decide: a transaction writes an old row and commits after
     * newer rows were relayed. Those wait while it is open (the watermark cannot pass it), and its
     * own row, committed while Kafka is down, waits until it is relayed.
     */
    @Test
    void aRowCommittedAfterNewerOnesWereRelayedWaitsForItsOwnRelay(TestStack stack) throws Exception {
        PostgresService pg = stack.postgres();
        table(pg, "outbox_late");
        try (OutboxConnector connector = start(stack, "retention_late_it", "public.outbox_late");
             Connection late = pg.dataSource().getConnection()) {
            // Streaming first: creating the slot waits for every transaction open at that moment, the late one included.
            insert(pg, "outbox_late", "late", "warm-", 1, Duration.ZERO);
            assertThat(bizIds(stack, "outbox.late", 1)).containsExactly("warm-1");
            late.setAutoCommit(false);
            try (Statement s = late.createStatement()) {
                s.execute("insert into outbox_late (id, aggregate_type, aggregate_id, event_type, biz_id, payload, created_at)"
                        + " values (gen_random_uuid(), 'late', 'agg', 'Retained', 'late-1', '{}', now() - interval '3 hours')");
            }
            insert(pg, "outbox_late", "late", "newer-", 10, Duration.ofHours(2));
            assertThat(bizIds(stack, "outbox.late", 11)).hasSize(11);
            looksAfterNow(connector);
            assertThat(count(pg, "outbox_late", "biz_id like 'newer-%'")).as("relayed, but an older transaction is open").isEqualTo(10);

            whileKafkaIsDown(stack, () -> {
                late.commit();
                looksAfterNow(connector);
                assertThat(count(pg, "outbox_late", "biz_id = 'late-1'")).as("committed, not relayed: kept").isEqualTo(1);
            });
            Await.until("all old rows purged once the late row is relayed", Duration.ofSeconds(120),
                    () -> count(pg, "outbox_late", "biz_id <> 'warm-1'") == 0, () -> connector.health().details().get("retention"));
            assertThat(bizIds(stack, "outbox.late", 12)).contains("late-1").hasSize(12);
            assertThat(count(pg, "outbox_late", "biz_id = 'warm-1'")).as("young").isEqualTo(1);
        }
    }

    /**
     * The purge itself, without a relay: only rows below the watermark go; a batch holding its
     * locks neither stops writers nor another batch; a row someone else locked is skipped, not
     * waited for; and inserts go on while a purge of thousands of rows runs.
     */
    @Test
    void aPurgeBatchNeverBlocksWritersAndSkipsLockedRows(TestStack stack) throws Exception {
        PostgresService pg = stack.postgres();
        DataSource db = pg.dataSource();
        table(pg, "outbox_lock");
        insert(pg, "outbox_lock", "lock", "old-", 3_000, Duration.ofHours(2));
        long watermark;
        try (Connection c = db.getConnection()) {
            watermark = RelayedWatermark.take(c, "no_such_slot", "postgres").xmin();
        }
        insert(pg, "outbox_lock", "lock", "after-", 5, Duration.ofHours(2));
        insert(pg, "outbox_lock", "lock", "young-", 5, Duration.ZERO);
        OutboxPurge purge = new OutboxPurge("public.outbox_lock", "created_at", Duration.ofHours(1), 100);

        try (Connection locker = db.getConnection(); Connection batch = db.getConnection()) {
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("select 1 from outbox_lock where biz_id = 'old-1' for update");
            }
            batch.setAutoCommit(false);
            assertThat(purge.deleteBatch(batch, watermark)).as("a batch, its locks held").isEqualTo(100);

            // While that batch holds its rows: writers insert and change other rows, and another batch goes past them.
            try (Connection writer = db.getConnection(); Statement s = writer.createStatement()) {
                s.execute("set statement_timeout = 10000");
                insert(writer, "outbox_lock", "lock", "during-", 50, Duration.ZERO);
                s.execute("update outbox_lock set headers = '{\"k\":\"v\"}' where biz_id like 'young-%'");
                s.execute("delete from outbox_lock where biz_id = 'young-1'");
            }
            try (Connection other = db.getConnection(); Statement s = other.createStatement()) {
                s.execute("set statement_timeout = 10000");
                assertThat(purge.deleteBatch(other, watermark)).as("another batch, not waiting").isEqualTo(100);
            }
            batch.commit();

            try (Connection c = db.getConnection()) {
                assertThat(purge.purge(c, watermark, () -> true, n -> { })).isEqualTo(3_000 - 200 - 1);
            }
            assertThat(count(pg, "outbox_lock", "biz_id = 'old-1'")).as("locked: skipped, not waited for").isEqualTo(1);
            locker.commit();
        }
        try (Connection c = db.getConnection()) {
            assertThat(purge.purge(c, watermark, () -> true, n -> { })).as("the row once unlocked").isEqualTo(1);
        }
        assertThat(count(pg, "outbox_lock", "biz_id like 'after-%'")).as("written after the watermark: kept").isEqualTo(5);
        assertThat(count(pg, "outbox_lock", "biz_id like 'young-%' or biz_id like 'during-%'")).isEqualTo(54);

        // A long purge (200 batches) while a writer keeps inserting: the writer's inserts complete during it.
        insert(pg, "outbox_lock", "lock", "bulk-", 20_000, Duration.ofHours(2));
        try (Connection c = db.getConnection()) {
            watermark = RelayedWatermark.take(c, "no_such_slot", "postgres").xmin();
        }
        AtomicBoolean purging = new AtomicBoolean(true);
        AtomicLong inserted = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection c = db.getConnection()) {
                while (purging.get()) {
                    insert(c, "outbox_lock", "lock", "concurrent-" + inserted.get() + "-", 1, Duration.ZERO);
                    inserted.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("the writer runs", Duration.ofSeconds(30), () -> inserted.get() > 0);
        long before = inserted.get();
        AtomicLong batches = new AtomicLong();
        long deleted;
        try (Connection c = db.getConnection()) {
            deleted = new OutboxPurge("public.outbox_lock", "created_at", Duration.ofHours(1), 100)
                    .purge(c, watermark, () -> true, n -> batches.incrementAndGet());
        } finally {
            purging.set(false);
        }
        long during = inserted.get() - before;
        writer.get(30, TimeUnit.SECONDS);
        LOG.info("{} rows purged in {} batches while the writer committed {} inserts", deleted, batches.get(), during);
        assertThat(deleted).as("the bulk, and the rows written after the first watermark, below this one").isEqualTo(20_005);
        assertThat(during).as("inserts committed while the purge ran").isPositive();
        assertThat(count(pg, "outbox_lock", "biz_id like 'concurrent-%'")).isEqualTo(inserted.get());
    }

    @Test
    void retentionWithoutDeleteOrWithoutAnIndexIsRefusedAtStartWithTheFix(TestStack stack) throws Exception {
        PostgresService pg = stack.postgres();
        table(pg, "outbox_grant");
        ConnectorFixture.sql(pg, "drop role if exists relay_no_delete",
                "create role relay_no_delete with login replication password 'pw'",
                "grant select on public.outbox_grant to relay_no_delete");
        Map<String, String> options = new HashMap<>(ConnectorFixture.options(stack, "retention_grant_it", Map.of(
                ConnectorOptions.OUTBOX_TABLE, "public.outbox_grant", ConnectorOptions.OUTBOX_RETENTION, "P7D",
                ConnectorOptions.DATABASE_USER, "relay_no_delete", ConnectorOptions.DATABASE_PASSWORD, "pw")));
        assertThatThrownBy(() -> new OutboxConnector(ConnectorFixture.config(options)).start()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("outbox.retention").hasMessageContaining("needs DELETE on public.outbox_grant")
                .hasMessageContaining("GRANT DELETE ON public.outbox_grant TO relay_no_delete;");

        ConnectorFixture.sql(pg, "grant delete on public.outbox_grant to relay_no_delete", "drop index outbox_grant_created_at_idx");
        assertThatThrownBy(() -> new OutboxConnector(ConnectorFixture.config(options)).start()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("needs an index on public.outbox_grant (created_at)")
                .hasMessageContaining("CREATE INDEX CONCURRENTLY ON public.outbox_grant (created_at);");
    }

    private static OutboxConnector start(TestStack stack, String id, String table) {
        return new OutboxConnector(ConnectorFixture.config(ConnectorFixture.options(stack, id, Map.of(
                ConnectorOptions.OUTBOX_TABLE, table,
                ConnectorOptions.OUTBOX_RETENTION, "PT1H",
                ConnectorOptions.OUTBOX_RETENTION_PERIOD_MS, Long.toString(PERIOD_MS),
                ConnectorOptions.OUTBOX_RETENTION_BATCH_SIZE, "7",
                // The slot moves past a watermark only when something is written after it: heartbeats do that when idle.
                ConnectorOptions.HEARTBEAT_INTERVAL_MS, "200")))).start();
    }

    /** A step of a test that may throw. */
    private interface Step {
        void run() throws Exception;
    }

    private static void whileKafkaIsDown(TestStack stack, Step step) throws Exception {
        KafkaBroker broker = (KafkaBroker) stack.kafka();
        broker.stop();
        try {
            step.run();
        } finally {
            broker.start();
        }
    }

    // Enough looks after now that a watermark taken after now was proven, had the slot confirmed past it.
    private static void looksAfterNow(OutboxConnector connector) {
        Instant after = Instant.now().plusMillis(6 * PERIOD_MS);
        Await.until("retention looks after " + after, Duration.ofSeconds(30), () -> {
            Object last = retention(connector).get("lastRunAt");
            return last != null && Instant.parse(last.toString()).isAfter(after);
        }, () -> retention(connector));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> retention(OutboxConnector connector) {
        return (Map<String, Object>) connector.health().details().get("retention");
    }

    private static void table(PostgresService pg, String name) throws SQLException {
        ConnectorFixture.sql(pg, "drop table if exists " + name, "create table " + name + " (like outbox including all)");
    }

    private static void insert(PostgresService pg, String table, String aggregateType, String bizPrefix, int rows, Duration age)
            throws SQLException {
        try (Connection c = pg.dataSource().getConnection()) {
            insert(c, table, aggregateType, bizPrefix, rows, age);
        }
    }

    // One statement, so one transaction, for all the rows.
    private static void insert(Connection c, String table, String aggregateType, String bizPrefix, int rows, Duration age)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("insert into " + table + " (id, aggregate_type, aggregate_id, event_type,"
                + " biz_id, payload, created_at) select gen_random_uuid(), ?, 'agg-' || g, 'Retained', ? || g, '{}'::jsonb,"
                + " now() - make_interval(secs => ?) from generate_series(1, ?) g")) {
            insert.setString(1, aggregateType);
            insert.setString(2, bizPrefix);
            insert.setLong(3, age.toSeconds());
            insert.setInt(4, rows);
            insert.executeUpdate();
        }
    }

    private static long count(PostgresService pg, String table, String condition) throws SQLException {
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from " + table + " where " + condition)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Set<String> bizIds(TestStack stack, String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(stack.kafka(), topic, expected, Duration.ofSeconds(90),
                Duration.ofSeconds(1));
        Set<String> ids = new TreeSet<>();
        records.forEach(r -> ids.add(EventMetadata.of(r).bizId()));
        return ids;
    }
}
