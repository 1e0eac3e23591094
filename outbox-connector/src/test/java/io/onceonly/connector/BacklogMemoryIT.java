package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.contracts.OutboxSchema;
import io.onceonly.stack.Await;
import io.onceonly.stack.ChildJvm;
import io.onceonly.stack.KafkaBroker;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * A backlog far larger than the heap: 30,000 rows of 100 KB (3 GB of JSON, twelve heaps) written
 * while the relay was stopped, drained by a relay with {@code -Xmx256m}, with Kafka down for 10 s
 * in the middle, long enough for the reader to fill Debezium's queue. The queue is bounded in
 * bytes, so memory stays bounded whatever the rows weigh. {@code -Donce.backlog.rows=100000} runs
 * the 10 GB backlog this test ran before it was cut down to keep the suite short.
 */
@WithStack
class BacklogMemoryIT {

    private static final Logger LOG = LoggerFactory.getLogger(BacklogMemoryIT.class);
    private static final int ROWS = Integer.getInteger("once.backlog.rows", 30_000);
    private static final int ROW_CHARS = 100_000;
    private static final Duration OUTAGE = Duration.ofSeconds(10);

    @Test
    void aBacklogOfGigabytesDrainsWithA256MegabyteHeap(TestStack stack) throws Exception {
        try (Connection c = stack.postgres().dataSource().getConnection()) {
            OutboxSchema.install(c);
        }
        stack.kafka().createTopic("outbox.bulk", 1);
        List<String> args = List.of(ConnectorFixture.args(ConnectorFixture.options(stack, "backlog_it", Map.of("http.port", "-1"))));
        Path log = Path.of("target", "backlog-it-relay.log");
        Files.deleteIfExists(log);
        List<String> heap = List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError");

        // The first start creates the slot; the backlog is then written while the relay is stopped.
        ChildJvm first = ChildJvm.start("relay-backlog-1", OutboxConnectorApp.class.getName(), heap, args, Map.of(), log);
        insert(stack, 1, 1);
        assertThat(TopicReader.read(stack.kafka(), "outbox.bulk", 1, Duration.ofSeconds(60), Duration.ZERO)).hasSize(1);
        assertThat(first.terminate(Duration.ofSeconds(60))).isZero();

        long written = System.nanoTime();
        for (int from = 2; from <= ROWS + 1; from += 5_000) {
            insert(stack, from, Math.min(from + 4_999, ROWS + 1));
        }
        LOG.info("{} rows of {} KB written in {} s", ROWS, ROW_CHARS / 1000, (System.nanoTime() - written) / 1_000_000_000);

        long drained = System.nanoTime();
        ChildJvm second = ChildJvm.start("relay-backlog-2", OutboxConnectorApp.class.getName(), heap, args, Map.of(), log);
        try (Admin admin = Admin.create(stack.kafka().clientProperties())) {
            Await.until("the relay draining", Duration.ofMinutes(3), () -> !second.isAlive() || endOffset(admin) >= 5_000,
                    () -> endOffset(admin) + " records");
            // Kafka goes away mid-drain: the relay's sender waits, and the reader keeps filling Debezium's queue. Only
            // a bound in bytes keeps 8,192 queued rows of 100 KB (800 MB) out of a 256 MB heap. The reader takes some
            // 1,000 rows a second here (30,000 in 25-30 s with Kafka up): a queue bounded by count alone would pass the
            // heap's 2,500 rows within about 3 s, so 10 s down proves the bound as 20 s did.
            KafkaBroker broker = (KafkaBroker) stack.kafka();
            broker.stop();
            Thread.sleep(OUTAGE.toMillis());
            broker.start();
            LOG.info("Kafka was down for {} s in the middle of the drain", OUTAGE.toSeconds());
            Await.until("the backlog on Kafka", Duration.ofMinutes(10), () -> !second.isAlive() || endOffset(admin) >= ROWS + 1,
                    () -> endOffset(admin) + " records");
            assertThat(second.isAlive()).as("the relay died (OutOfMemoryError?); see %s", log).isTrue();
            LOG.info("{} records on Kafka {} s after the relay started", endOffset(admin), (System.nanoTime() - drained) / 1_000_000_000);
        }
        assertThat(second.terminate(Duration.ofSeconds(60))).isZero();
        assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
    }

    private static long endOffset(Admin admin) {
        TopicPartition partition = new TopicPartition("outbox.bulk", 0);
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get(10, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            return -1;
        }
    }

    // Server-side rows: 10 GB of JSON never crosses JDBC. Each payload is 100,000 characters, repetitive enough for
    // TOAST and lz4 to keep disk and Kafka small, while the relay still holds each row uncompressed in memory.
    private static void insert(TestStack stack, int from, int to) throws Exception {
        try (Connection c = stack.postgres().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("insert into outbox (id, aggregate_type, aggregate_id, event_type, biz_id, payload)"
                    + " select gen_random_uuid(), 'bulk', 'a' || (g % 100), 'Bulk', 'bulk-' || g,"
                    + " jsonb_build_object('seq', g, 'data', repeat(md5(g::text), " + (ROW_CHARS / 32) + "))"
                    + " from generate_series(" + from + ", " + to + ") g");
        }
    }
}
