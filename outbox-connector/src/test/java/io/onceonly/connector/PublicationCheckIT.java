package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.onceonly.connector.source.SourceDatabase;
import io.onceonly.contracts.OutboxSchema;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * An existing publication that would not deliver every insert of the outbox, with every mapped
 * column, under the outbox table's own name is refused at start with the SQL that fixes it; the
 * test runs that SQL and the start then passes. A partitioned outbox gets a publication via its
 * root and is relayed.
 */
@WithStack
class PublicationCheckIT {

    private static final String PARTITIONED = "public.part_outbox";

    private static TestStack stack;

    @BeforeAll
    static void schema(TestStack testStack) throws Exception {
        stack = testStack;
        try (Connection c = stack.postgres().dataSource().getConnection()) {
            OutboxSchema.install(c);
        }
        ConnectorFixture.sql(stack.postgres(),
                "create table part_outbox (id uuid not null, aggregate_type text not null, aggregate_id text not null,"
                        + " event_type text not null, biz_id text not null, payload jsonb not null, headers jsonb,"
                        + " created_at timestamptz not null default now(), primary key (id, created_at))"
                        + " partition by range (created_at)",
                "create table part_outbox_old partition of part_outbox for values from (minvalue) to ('2026-01-01')",
                "create table part_outbox_new partition of part_outbox for values from ('2026-01-01') to (maxvalue)");
    }

    @Test
    void aPublicationWithoutInsertsIsRefusedWithTheAlterThatKeepsItsOtherOperations() throws Exception {
        ConnectorFixture.sql(stack.postgres(), "create publication pub_no_insert for table public.outbox with (publish = 'update, delete')");

        String fix = "ALTER PUBLICATION pub_no_insert SET (publish = 'insert, update, delete')";
        assertThat(refusal("pub_no_insert", "public.outbox")).contains("does not publish inserts").contains(fix);

        ConnectorFixture.sql(stack.postgres(), fix);
        prepare("pub_no_insert", "public.outbox");
    }

    @Test
    void aRowFilterOnTheOutboxIsRefused() throws Exception {
        ConnectorFixture.sql(stack.postgres(), "create publication pub_filtered for table public.outbox where (aggregate_type <> 'audit')");

        String fix = "ALTER PUBLICATION pub_filtered DROP TABLE public.outbox; ALTER PUBLICATION pub_filtered ADD TABLE public.outbox";
        assertThat(refusal("pub_filtered", "public.outbox")).contains("publishes only the rows of public.outbox matching")
                .contains("'audit'").contains("would never be relayed").contains("in one transaction " + fix);

        inOneTransaction(fix);
        prepare("pub_filtered", "public.outbox");
    }

    @Test
    void aColumnListWithoutMappedColumnsIsRefusedNamingThem() throws Exception {
        ConnectorFixture.sql(stack.postgres(),
                "create publication pub_columns for table public.outbox (id, aggregate_type, aggregate_id, event_type, biz_id)");

        String fix = "ALTER PUBLICATION pub_columns DROP TABLE public.outbox; ALTER PUBLICATION pub_columns ADD TABLE public.outbox";
        assertThat(refusal("pub_columns", "public.outbox")).contains("without the mapped columns [payload, headers, created_at]")
                .contains(fix);

        inOneTransaction(fix);
        prepare("pub_columns", "public.outbox");
    }

    @Test
    void aColumnListHoldingEveryMappedColumnIsAccepted() throws Exception {
        ConnectorFixture.sql(stack.postgres(), "create publication pub_all_mapped for table public.outbox"
                + " (id, aggregate_type, aggregate_id, event_type, biz_id, payload, headers, created_at)");

        prepare("pub_all_mapped", "public.outbox");
    }

    @Test
    void aPartitionedOutboxPublishedUnderItsPartitionsNamesIsRefused() throws Exception {
        ConnectorFixture.sql(stack.postgres(), "create publication pub_parts for table " + PARTITIONED);

        String fix = "ALTER PUBLICATION pub_parts SET (publish_via_partition_root = true)";
        assertThat(refusal("pub_parts", PARTITIONED)).contains("partitions of the partitioned table " + PARTITIONED)
                .contains("public.part_outbox_old").contains(fix);

        ConnectorFixture.sql(stack.postgres(), fix);
        prepare("pub_parts", PARTITIONED);
    }

    @Test
    void aForAllTablesPublicationIsCheckedLikeAnyOther() throws Exception {
        ConnectorFixture.sql(stack.postgres(), "create publication pub_every for all tables");

        prepare("pub_every", "public.outbox");
        String fix = "ALTER PUBLICATION pub_every SET (publish_via_partition_root = true)";
        assertThat(refusal("pub_every", PARTITIONED)).contains(fix);

        ConnectorFixture.sql(stack.postgres(), fix);
        prepare("pub_every", PARTITIONED);
    }

    @Test
    void aPublicationOfOnlyOnePartitionIsRefused() throws Exception {
        ConnectorFixture.sql(stack.postgres(),
                "create publication pub_one_part for table public.part_outbox_new with (publish_via_partition_root = true)");

        String fix = "ALTER PUBLICATION pub_one_part ADD TABLE " + PARTITIONED;
        assertThat(refusal("pub_one_part", PARTITIONED)).contains("publishes only the partitions [public.part_outbox_new]")
                .contains(fix);

        ConnectorFixture.sql(stack.postgres(), fix);
        prepare("pub_one_part", PARTITIONED);
    }

    @Test
    void startsRacingOnANewPublicationAndHeartbeatTableAllSucceed() throws Exception {
        int starts = 6;
        ExecutorService pool = Executors.newFixedThreadPool(starts);
        try {
            for (int round = 0; round < 5; round++) {
                String name = "pub_race_" + round;
                String table = round % 2 == 0 ? "public.outbox" : PARTITIONED;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> results = new ArrayList<>();
                for (int i = 0; i < starts; i++) {
                    results.add(pool.submit(() -> {
                        go.await();
                        prepare(name, table);
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> result : results) {
                    result.get(60, TimeUnit.SECONDS);
                }
                assertThat(query("select count(*) from pg_publication where pubname = '" + name + "'")).isEqualTo("1");
                assertThat(query("select count(*) from pg_publication_tables where pubname = '" + name + "'")).isEqualTo("2");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPartitionedOutboxIsRelayedThroughAPublicationViaItsRoot() throws Exception {
        ConnectorFixture.sql(stack.postgres(), "insert into part_outbox (id, aggregate_type, aggregate_id, event_type, biz_id,"
                + " payload, created_at) values (gen_random_uuid(), 'parted', 'p-1', 'Placed', 'before-start', '{\"n\":1}',"
                + " '2025-06-01T00:00:00Z')");
        Map<String, String> options = ConnectorFixture.options(stack, "pub_parted_relay",
                Map.of("outbox.table", PARTITIONED, "heartbeat.interval.ms", "500"));

        try (OutboxConnector connector = new OutboxConnector(ConnectorFixture.config(options)).start()) {
            assertThat(query("select pubviaroot from pg_publication where pubname = 'pub_parted_relay'")).isEqualTo("t");
            // The snapshot must be over before the second row, or it would be read by the snapshot and not the stream.
            assertThat(TopicReader.read(stack.kafka(), "outbox.parted", 1, Duration.ofSeconds(60), Duration.ZERO)).hasSize(1);
            ConnectorFixture.sql(stack.postgres(), "insert into part_outbox (id, aggregate_type, aggregate_id, event_type,"
                    + " biz_id, payload) values (gen_random_uuid(), 'parted', 'p-2', 'Placed', 'after-start', '{\"n\":2}')");

            List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(stack.kafka(), "outbox.parted", 2,
                    Duration.ofSeconds(60), Duration.ofSeconds(2));

            assertThat(records).extracting(r -> EventMetadata.of(r).bizId()).containsExactly("before-start", "after-start");
            assertThat(records).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactly("p-1", "p-2");
        }
    }

    private static void prepare(String publication, String outboxTable) {
        new SourceDatabase(ConnectorFixture.config(ConnectorFixture.options(stack, publication,
                Map.of("outbox.table", outboxTable)))).prepare();
    }

    private static String refusal(String publication, String outboxTable) {
        Throwable[] thrown = new Throwable[1];
        assertThatThrownBy(() -> prepare(publication, outboxTable)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("publication.name").satisfies(e -> thrown[0] = e);
        return thrown[0].getMessage();
    }

    private static void inOneTransaction(String sql) throws SQLException {
        try (Connection c = stack.postgres().dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute(sql);
            c.commit();
        }
    }

    private static String query(String sql) throws SQLException {
        try (Connection c = stack.postgres().dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
