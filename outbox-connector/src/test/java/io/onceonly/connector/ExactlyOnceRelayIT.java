package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.relay.RelayFencedException;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.stack.Await;
import io.onceonly.stack.ChildJvm;
import io.onceonly.stack.KafkaBroker;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * delivery.guarantee=exactly-once on real servers: SIGKILLs mid-stream leave a read_committed
 * reader with every committed event once and in commit order per aggregate; a newer instance with
 * the same name fences the running one, which stops; a cluster that cannot run transactions is
 * refused at start; and the drain time of a backlog in both modes, for the choice of the default.
 */
@WithStack
class ExactlyOnceRelayIT {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceRelayIT.class);
    private static final Pattern SEQ = Pattern.compile("\"seq\":\\s*(\\d+)");
    private static final int KILLS = 3;

    @Test
    void threeSigkillsInARowLeaveEveryCommittedEventOnceAndInOrderForReadCommittedReaders(TestStack stack) throws Exception {
        ConnectorFixture.installOutbox(stack.postgres());
        List<String> args = List.of(ConnectorFixture.args(ConnectorFixture.options(stack, "eos_it", Map.of(
                ConnectorOptions.HTTP_PORT, "-1", ConnectorOptions.DELIVERY_GUARANTEE, ConnectorOptions.EXACTLY_ONCE))));
        Path log = Path.of("target", "exactly-once-it-relay.log");
        String topic = "outbox.eos";
        OutboxLoad load = new OutboxLoad(stack.postgres().dataSource(), "eos");

        ChildJvm relay = ChildJvm.start("relay-eos-0", OutboxConnectorApp.class.getName(), args, Map.of(), log);
        // Kill while streaming, not during the first start's snapshot.
        new OutboxLoad(stack.postgres().dataSource(), "eoswarm").write(1, 1, 1, 1);
        assertThat(TopicReader.read(stack.kafka(), "outbox.eoswarm", 1, Duration.ofSeconds(90), Duration.ZERO)).hasSize(1);
        try (ProgressCounter progress = new ProgressCounter(stack.kafka().clientProperties(), topic)) {
            CompletableFuture<List<OutboxLoad.Written>> writers = CompletableFuture.supplyAsync(() -> {
                try {
                    // About 40 s of writing at 4 x 5.5 events per 60 ms: the writers outlast the three kills and restarts.
                    return load.write(14_000, 50, 4, 10, 60);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int kill = 1; kill <= KILLS; kill++) {
                long before = progress.count();
                Await.until("the relay " + kill + " sends (log " + log + ")", Duration.ofSeconds(120),
                        () -> progress.count() >= before + 600);
                relay.kill();
                LOG.info("kill {}: SIGKILL after {} records on {} (read_uncommitted), {} committed; writers busy: {}", kill,
                        progress.count(), topic, load.committed().size(), !writers.isDone());
                assertThat(writers).as("the writers must still be busy at kill %d", kill).isNotDone();
                relay = ChildJvm.start("relay-eos-" + kill, OutboxConnectorApp.class.getName(), args, Map.of(), log);
            }
            List<OutboxLoad.Written> written = writers.get(5, TimeUnit.MINUTES);
            List<ConsumerRecord<byte[], byte[]>> committed = TopicReader.read(stack.kafka(), topic, written.size(),
                    Duration.ofSeconds(180), Duration.ofSeconds(3));
            int exit = relay.terminate(Duration.ofSeconds(60));
            List<ConsumerRecord<byte[], byte[]>> uncommitted = TopicReader.readToEnd(stack.kafka(), topic, Duration.ofSeconds(10),
                    "read_uncommitted");

            Map<UUID, Integer> copies = new HashMap<>();
            Map<String, List<Long>> seqs = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : committed) {
                copies.merge(EventMetadata.of(r).eventId(), 1, Integer::sum);
                seqs.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(seq(r));
            }
            long missing = written.stream().filter(w -> !copies.containsKey(w.id())).count();
            long twice = copies.values().stream().filter(n -> n > 1).count();
            LOG.info("exactly-once, {} SIGKILLs: {} committed in PostgreSQL; read_committed sees {} records, {} distinct, {} missing,"
                    + " {} twice; read_uncommitted sees {} records ({} more: records of aborted transactions)", KILLS, written.size(),
                    committed.size(), copies.size(), missing, twice, uncommitted.size(), uncommitted.size() - committed.size());
            assertThat(missing).as("committed events missing for read_committed (relay log: %s)", log).isZero();
            assertThat(twice).as("events seen twice by read_committed (relay log: %s)", log).isZero();
            assertThat(committed).hasSize(written.size());
            Map<String, Long> perAggregate = new HashMap<>();
            written.forEach(w -> perAggregate.merge(w.aggregateId(), 1L, Long::sum));
            assertThat(seqs.keySet()).containsExactlyInAnyOrderElementsOf(perAggregate.keySet());
            seqs.forEach((aggregate, list) -> {
                for (int i = 0; i < list.size(); i++) {
                    assertThat(list.get(i)).as("sequence number %d of %s (no gap, no repeat, commit order)", i + 1, aggregate)
                            .isEqualTo(i + 1L);
                }
                assertThat(list).as("events of %s", aggregate).hasSize(perAggregate.get(aggregate).intValue());
            });
            assertThat(exit).as("exit code after SIGTERM").isZero();
        }
    }

    @Test
    void aNewerInstanceWithTheSameNameFencesTheRunningOneWhichStopsNamingTheTransactionalId(TestStack stack) throws Exception {
        ConnectorFixture.installOutbox(stack.postgres());
        // no_data: nothing but this test's rows is relayed (the shared outbox table holds other tests' rows).
        Map<String, String> options = ConnectorFixture.options(stack, "eos_fence", Map.of(
                ConnectorOptions.DELIVERY_GUARANTEE, ConnectorOptions.EXACTLY_ONCE, ConnectorOptions.HEARTBEAT_INTERVAL_MS, "0",
                ConnectorOptions.SNAPSHOT_MODE, "no_data"));
        try (OutboxConnector connector = new OutboxConnector(ConnectorFixture.config(options)).start()) {
            Await.until("the engine streams", Duration.ofSeconds(90), connector::isRunning);
            OutboxLoad load = new OutboxLoad(stack.postgres().dataSource(), "eosfence");
            load.write(5, 1, 1, 5);
            assertThat(TopicReader.read(stack.kafka(), "outbox.eosfence", 5, Duration.ofSeconds(90), Duration.ZERO)).hasSize(5);
            long relayed = connector.metrics().relayedCount();
            assertThat(connector.health().details()).containsEntry("deliveryGuarantee", "exactly-once");

            // What a second instance's start does first: initTransactions with the same transactional.id.
            Properties props = stack.kafka().clientProperties();
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "eos_fence.relay");
            try (KafkaProducer<byte[], byte[]> newer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                newer.initTransactions();
                load.write(3, 1, 1, 3);
                Throwable why = connector.finished().handle((ok, e) -> e).get(90, TimeUnit.SECONDS);
                Throwable cause = why instanceof CompletionException ? why.getCause() : why;
                assertThat(cause).isInstanceOf(RelayFencedException.class);
                assertThat(cause.getMessage()).contains("eos_fence.relay").contains("another instance");
                assertThat(connector.metrics().relayedCount()).as("nothing committed after the fence").isEqualTo(relayed);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(stack.kafka(), "outbox.eosfence", 8, Duration.ofSeconds(5),
                Duration.ZERO);
        assertThat(records).as("only the 5 events committed before the fence").hasSize(5);
    }

    @Test
    void aClusterWhoseTransactionLogCannotBeCreatedIsRefusedAtStartNamingTheBrokerSetting(TestStack stack) throws Exception {
        ConnectorFixture.installOutbox(stack.postgres());
        try (KafkaBroker broker = KafkaBroker.builder().config("transaction.state.log.replication.factor", "3").build().start()) {
            Map<String, String> options = ConnectorFixture.options(stack, "eos_refused", Map.of(
                    ConnectorOptions.DELIVERY_GUARANTEE, ConnectorOptions.EXACTLY_ONCE,
                    "kafka.bootstrap.servers", broker.bootstrapServers()));
            OutboxConnector connector = new OutboxConnector(ConnectorFixture.config(options));
            try {
                assertThatThrownBy(connector::start).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("transaction.state.log.replication.factor is 3")
                        .hasMessageContaining("1 broker")
                        .hasMessageContaining("delivery.guarantee=at-least-once");
            } finally {
                connector.close();
            }
        }
    }

    // How fast each mode drains is the benchmarks' figure (relay backlog, both modes); this checks that each drains.
    @Test
    void aBacklogWrittenWhileStoppedDrainsInEachMode(TestStack stack) throws Exception {
        ConnectorFixture.installOutbox(stack.postgres());
        int backlog = 5_000;
        Map<String, Long> millis = new LinkedHashMap<>();
        for (String guarantee : List.of(ConnectorOptions.AT_LEAST_ONCE, ConnectorOptions.EXACTLY_ONCE)) {
            String id = "drain_" + guarantee.replace('-', '_');
            // no_data: the first start creates the slot without relaying the rows other tests left in the shared outbox table;
            // the backlog is written while the connector is stopped.
            Map<String, String> options = ConnectorFixture.options(stack, id, Map.of(ConnectorOptions.DELIVERY_GUARANTEE, guarantee,
                    ConnectorOptions.SNAPSHOT_MODE, "no_data"));
            try (OutboxConnector first = new OutboxConnector(ConnectorFixture.config(options)).start()) {
                Await.until("the first start streams", Duration.ofSeconds(90), () -> first.health().up());
            }
            OutboxLoad load = new OutboxLoad(stack.postgres().dataSource(), id);
            load.write(backlog, 50, 4, 50);
            long started = System.nanoTime();
            try (OutboxConnector connector = new OutboxConnector(ConnectorFixture.config(options)).start()) {
                Await.until(backlog + " events relayed", Duration.ofSeconds(300), () -> connector.metrics().relayedCount() >= backlog);
                millis.put(guarantee, (System.nanoTime() - started) / 1_000_000);
                LOG.info("drain of {} events, {}: {} ms from start ({} transactions)", backlog, guarantee, millis.get(guarantee),
                        connector.metrics().transactionsCommittedCount());
            }
            assertThat(TopicReader.read(stack.kafka(), "outbox." + id, backlog, Duration.ofSeconds(60), Duration.ZERO)).hasSize(backlog);
        }
        LOG.info("drain of a {}-event backlog (start included): {}", backlog, millis);
    }

    private static long seq(ConsumerRecord<byte[], byte[]> record) {
        Matcher m = SEQ.matcher(new String(record.value(), StandardCharsets.UTF_8));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Counts the records on a topic as they arrive, aborted ones included: how far the relay got, without reading it again. */
    private static final class ProgressCounter implements AutoCloseable {
        private final AtomicLong count = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        ProgressCounter(Properties client, String topic) {
            Properties props = new Properties();
            props.putAll(client);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "eos-progress-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    consumer.subscribe(List.of(topic));
                    while (running.get()) {
                        count.addAndGet(consumer.poll(Duration.ofMillis(100)).count());
                    }
                }
            }, "eos-progress");
            thread.setDaemon(true);
            thread.start();
        }

        long count() {
            return count.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
        }
    }
}
