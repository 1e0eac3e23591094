package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.contracts.OutboxSchema;
import io.onceonly.connector.standby.Role;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.stack.Await;
import io.onceonly.stack.KafkaBroker;
import io.onceonly.stack.Postgres;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * The servers go away under a running relay, as they do in operations: the broker restarted
 * mid-stream, PostgreSQL restarted mid-stream, and a stop requested while Kafka is down.
 */
@WithStack
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerRestartIT {

    private static final Logger LOG = LoggerFactory.getLogger(ServerRestartIT.class);

    static String threads() {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, st) -> {
            b.append('\n').append(t.getName()).append(' ').append(t.getState());
            for (StackTraceElement e : st) {
                b.append("\n    at ").append(e);
            }
        });
        return b.toString();
    }

    @Test
    @Order(1)
    void theRelayResumesByItselfAfterBrokerAndDatabaseRestartsAndLosesNothing(TestStack stack) throws Exception {
        try (Connection c = stack.postgres().dataSource().getConnection()) {
            OutboxSchema.install(c);
        }
        OutboxLoad load = new OutboxLoad(stack.postgres().dataSource(), "restart");
        try (OutboxConnector connector = new OutboxConnector(ConnectorFixture.config(ConnectorFixture.options(stack, "restart_it",
                Map.of("heartbeat.interval.ms", "500")))).start()) {
            CompletableFuture<List<OutboxLoad.Written>> writers = CompletableFuture.supplyAsync(() -> {
                try {
                    return load.write(12_000, 40, 4, 10, 5);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until("2,000 relayed before the broker restart", Duration.ofSeconds(120), () -> connector.metrics().relayedCount() >= 2_000);
            KafkaBroker broker = (KafkaBroker) stack.kafka();
            broker.stop();
            Thread.sleep(5_000);
            broker.start();
            LOG.info("broker back after a 5 s outage; {} relayed so far", connector.metrics().relayedCount());
            writers.get(5, TimeUnit.MINUTES);

            // A backlog in flight, then PostgreSQL goes away under the relay's WAL sender (a fast shutdown still
            // sends the WAL it has); what is written once it is back shows when the relay reads again.
            load.write(10_000, 40, 4, 50);
            Postgres postgres = (Postgres) stack.postgres();
            postgres.stop();
            Thread.sleep(3_000);
            postgres.start();
            long back = System.nanoTime();
            load.write(100, 10, 1, 1);
            Await.until("every committed event relayed after PostgreSQL is back", Duration.ofSeconds(60),
                    () -> connector.metrics().relayedCount() >= load.committed().size(),
                    () -> connector.metrics().relayedCount() + " of " + load.committed().size());
            double resumedAfter = (System.nanoTime() - back) / 1e9;
            LOG.info("PostgreSQL stopped for 3 s; every event written after it was back was relayed {} s after it was back",
                    String.format("%.1f", resumedAfter));
            assertThat(resumedAfter).as("seconds from PostgreSQL back to the relay caught up").isLessThan(15);

            List<OutboxLoad.Written> written = load.committed();
            assertThat(written).hasSizeGreaterThanOrEqualTo(20_000);
            List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(stack.kafka(), "outbox.restart", written.size(),
                    Duration.ofSeconds(180), Duration.ofSeconds(3));
            Set<UUID> seen = new HashSet<>();
            records.forEach(r -> seen.add(EventMetadata.of(r).eventId()));
            long missing = written.stream().filter(w -> !seen.contains(w.id())).count();
            LOG.info("{} committed, {} records, {} distinct, {} missing", written.size(), records.size(), seen.size(), missing);
            assertThat(missing).as("committed events missing on Kafka").isZero();
            Await.until("health UP", Duration.ofSeconds(30), () -> connector.health().up(), () -> connector.health().details());
        }
    }

    @Test
    @Order(2)
    void aStopDuringAKafkaOutageEndsWithinItsBoundSaysWhatWasNotSentAndConfirmsNothingUnsent(TestStack stack) throws Exception {
        stopDuringAKafkaOutage(stack, "outage", Map.of());
    }

    @Test
    @Order(3)
    void exactlyOnceAStopDuringAKafkaOutageEndsWithinItsBoundAndTheRestartCommitsEveryEventOnce(TestStack stack) throws Exception {
        // Heartbeats off: exactly-once, a heartbeat's position is a transaction too, and the one retried at the stop
        // could be it instead of the events' batch, with nothing of its own left unsent.
        List<ConsumerRecord<byte[], byte[]>> records = stopDuringAKafkaOutage(stack, "eosoutage",
                Map.of("delivery.guarantee", "exactly-once", "kafka.transaction.timeout.ms", "10000", "heartbeat.interval.ms", "0"));
        Set<UUID> seen = new HashSet<>();
        records.forEach(r -> assertThat(seen.add(EventMetadata.of(r).eventId())).as("once: " + EventMetadata.of(r).eventId()).isTrue());
    }

    // Stops the connector while Kafka is down with a batch unsent, then restarts it with Kafka back; returns what a
    // read_committed reader sees on the topic, which holds every event.
    private static List<ConsumerRecord<byte[], byte[]>> stopDuringAKafkaOutage(TestStack stack, String name, Map<String, String> extra)
            throws Exception {
        try (Connection c = stack.postgres().dataSource().getConnection()) {
            OutboxSchema.install(c);
        }
        Map<String, String> settings = new HashMap<>(Map.of("heartbeat.interval.ms", "500",
                "kafka.delivery.timeout.ms", "5000", "kafka.request.timeout.ms", "2000", "kafka.max.block.ms", "2000"));
        settings.putAll(extra);
        Map<String, String> options = ConnectorFixture.options(stack, name + "_it", settings);
        String topic = "outbox." + name;
        OutboxLoad load = new OutboxLoad(stack.postgres().dataSource(), name);
        KafkaBroker broker = (KafkaBroker) stack.kafka();
        OutboxConnector connector = new OutboxConnector(ConnectorFixture.config(options)).start();
        List<OutboxLoad.Written> early = load.write(100, 10, 2, 5);
        assertThat(TopicReader.read(stack.kafka(), topic, early.size(), Duration.ofSeconds(60), Duration.ZERO)).hasSize(100);

        broker.stop();
        List<OutboxLoad.Written> unsent = load.write(100, 10, 2, 5);
        // Exactly-once, the batch retried may hold only a heartbeat's position: no record resent, but the producer retries.
        Await.until("the relay retrying", Duration.ofSeconds(60), () -> "RETRYING".equals(connector.health().details().get("producer")),
                ServerRestartIT::threads);
        long stopping = System.nanoTime();
        connector.close();
        double stopSeconds = (System.nanoTime() - stopping) / 1e9;
        LOG.info("stop during the outage took {} s; not handed over: {}", String.format("%.1f", stopSeconds), connector.unfinishedAtStop());
        assertThat(stopSeconds).isLessThan(OutboxConnector.STOP_BOUND.toSeconds() + 5);
        assertThat(connector.unfinishedAtStop()).isNotNull();

        broker.start();
        try (OutboxConnector restarted = new OutboxConnector(ConnectorFixture.config(options)).start()) {
            List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(stack.kafka(), topic, 200,
                    Duration.ofSeconds(120), Duration.ofSeconds(3));
            Set<UUID> seen = new HashSet<>();
            records.forEach(r -> seen.add(EventMetadata.of(r).eventId()));
            assertThat(unsent).allSatisfy(w -> assertThat(seen).contains(w.id()));
            return records;
        }
    }

    /**
     * The active instance stops when another reader confirms positions on its slot while it does
     * nothing (a woken zombie). A lone instance must never take its own confirmations for that: not
     * those of a batch that waited long for Kafka, not those of its engine reconnecting after a
     * database restart, not heartbeats while only other tables are written.
     */
    @Test
    @Order(4)
    void aLoneInstanceThroughOutagesAndIdleTimeIsNeverTakenForAnotherReader(TestStack stack) throws Exception {
        try (Connection c = stack.postgres().dataSource().getConnection()) {
            OutboxSchema.install(c);
            c.createStatement().execute("create table if not exists lone_noise (at timestamptz not null default now())");
        }
        OutboxLoad load = new OutboxLoad(stack.postgres().dataSource(), "lone");
        KafkaBroker broker = (KafkaBroker) stack.kafka();
        Postgres postgres = (Postgres) stack.postgres();
        try (OutboxConnector connector = new OutboxConnector(ConnectorFixture.config(ConnectorFixture.options(stack, "lone_it",
                Map.of("heartbeat.interval.ms", "0", // heartbeats would start new batches, which hides what is tested
                        "kafka.delivery.timeout.ms", "5000", "kafka.request.timeout.ms", "2000", "kafka.max.block.ms", "2000")))).start()) {
            load.write(100, 10, 2, 5);
            Await.until("100 relayed", Duration.ofSeconds(60), () -> connector.metrics().relayedCount() >= 100);

            // A batch that waits for Kafka longer than the watch's settle time (offset.flush.interval.ms + standby.poll.interval.ms
            // + 4 s: 5.5 s here), then is confirmed after it ends. 8 s from its first retry, plus the broker's start, clears
            // that by more than 2.5 s. One row, so that this batch is the last one before the idle time.
            broker.stop();
            load.write(1, 1, 1, 1);
            Await.until("the relay retrying", Duration.ofSeconds(60), () -> connector.metrics().retryCount() > 0, ServerRestartIT::threads);
            Thread.sleep(8_000);
            broker.start();
            Await.until("101 relayed", Duration.ofSeconds(60), () -> connector.metrics().relayedCount() >= 101);
            noise(stack, Duration.ofSeconds(12));

            // A database restart just after a batch: the engine reconnects under a new walsender and confirms again.
            load.write(50, 10, 1, 50);
            Await.until("151 relayed", Duration.ofSeconds(60), () -> connector.metrics().relayedCount() >= 151);
            postgres.stop();
            Thread.sleep(2_000);
            postgres.start();
            load.write(10, 5, 1, 1);
            Await.until("161 relayed", Duration.ofSeconds(60), () -> connector.metrics().relayedCount() >= 161);
            noise(stack, Duration.ofSeconds(15));

            assertThat(connector.finished()).as("the lone instance still runs").isNotDone();
            assertThat(connector.role()).isEqualTo(Role.ACTIVE);
        }
    }

    // Only another table is written: WAL moves, the outbox does not.
    private static void noise(TestStack stack, Duration howLong) throws Exception {
        long end = System.nanoTime() + howLong.toNanos();
        try (Connection c = stack.postgres().dataSource().getConnection()) {
            while (System.nanoTime() < end) {
                c.createStatement().execute("insert into lone_noise default values");
                Thread.sleep(200);
            }
        }
    }
}
