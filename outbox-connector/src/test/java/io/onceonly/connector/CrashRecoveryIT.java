package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.contracts.OutboxSchema;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.stack.ChildJvm;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/** The relay in a child JVM, killed with SIGKILL while writers are busy: nothing committed may be missing. */
@WithStack
class CrashRecoveryIT {

    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryIT.class);

    @Test
    void afterASigkillAndARestartEveryCommittedEventIsOnKafka(TestStack stack) throws Exception {
        try (Connection c = stack.postgres().dataSource().getConnection()) {
            OutboxSchema.install(c);
        }
        List<String> args = List.of(ConnectorFixture.args(ConnectorFixture.options(stack, "crash_it", Map.of("http.port", "-1"))));
        Path log = Path.of("target", "crash-it-relay.log");
        OutboxLoad load = new OutboxLoad(stack.postgres().dataSource(), "crash");

        ChildJvm relay = ChildJvm.start("relay-1", OutboxConnectorApp.class.getName(), args, Map.of(), log);
        // Kill while streaming, not during the first start's snapshot (a crash there repeats the snapshot).
        new OutboxLoad(stack.postgres().dataSource(), "warmup").write(1, 1, 1, 1);
        assertThat(TopicReader.read(stack.kafka(), "outbox.warmup", 1, Duration.ofSeconds(60), Duration.ZERO)).hasSize(1);
        CompletableFuture<List<OutboxLoad.Written>> writers = CompletableFuture.supplyAsync(() -> {
            try {
                return load.write(20_000, 40, 8, 10, 25);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        int seenBeforeKill = TopicReader.read(stack.kafka(), "outbox.crash", 4_000, Duration.ofSeconds(90), Duration.ZERO).size();
        relay.kill();
        List<ConsumerRecord<byte[], byte[]>> savedPositions = TopicReader.read(stack.kafka(), "offsets-crash_it", 1,
                Duration.ofSeconds(5), Duration.ofMillis(500), "read_uncommitted");
        LOG.info("positions saved before the kill: {}", savedPositions.isEmpty() ? "none"
                : new String(savedPositions.get(savedPositions.size() - 1).value(), java.nio.charset.StandardCharsets.UTF_8));
        int committedAtKill = load.committed().size();
        LOG.info("killed the relay with SIGKILL after {} records on Kafka, {} committed", seenBeforeKill, committedAtKill);
        assertThat(writers).as("the writers must still be busy at the kill").isNotDone();

        ChildJvm restarted = ChildJvm.start("relay-2", OutboxConnectorApp.class.getName(), args, Map.of(), log);
        List<OutboxLoad.Written> written = writers.get(5, TimeUnit.MINUTES);
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(stack.kafka(), "outbox.crash", written.size(),
                Duration.ofSeconds(120), Duration.ofSeconds(3));
        int exit = restarted.terminate(Duration.ofSeconds(60));

        Map<UUID, Integer> copies = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            copies.merge(EventMetadata.of(record).eventId(), 1, Integer::sum);
        }
        long missing = written.stream().filter(w -> !copies.containsKey(w.id())).count();
        int duplicates = records.size() - copies.size();
        LOG.info("{} committed, {} records on Kafka, {} distinct, {} duplicates, {} missing", written.size(), records.size(),
                copies.size(), duplicates, missing);
        assertThat(missing).as("committed events missing on Kafka (relay log: %s)", log).isZero();
        assertThat(copies).hasSize(written.size());
        assertThat(exit).as("exit code after SIGTERM").isZero();
    }
}
