package io.onceonly.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.runtime.AppOptions;
import io.onceonly.stack.Await;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * The exactly-once fresh-record commit cadence ({@code commit.fresh.interval.ms=20}) on the testkit
 * broker, counted with Kafka Streams' own {@code commit-total} ({@link DedupService#commits()}): a
 * backlog commits every {@code kafka.commit.interval.ms} (500 ms), fresh records each soon after
 * they arrive, and an idle app not at all.
 */
@WithStack
class DedupCommitCadenceIT {

    private static final String APP = "dedup-cadence-it";

    @Test
    void aBacklogCommitsRarelyFreshRecordsPromptlyAndAnIdleAppNever(TestStack stack) throws Exception {
        stack.kafka().createTopic("outbox.cadence", 2);
        int backlog = 20_000;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(stack.kafka().clientProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            long aMinuteAgo = System.currentTimeMillis() - 60_000;
            for (int i = 0; i < backlog; i++) {
                producer.send(payment("backlog-" + i, aMinuteAgo));
            }
            producer.flush();
            DedupConfig config = DedupConfig.from(AppOptions.load(new String[] {
                    "--kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(), "--application.id=" + APP,
                    "--input.topics=outbox.cadence", "--output.mapping=outbox.cadence:cadence.out", "--commit.fresh.interval.ms=20",
                    "--state.dir=" + Files.createTempDirectory("once-dedup-cadence-it"), "--http.port=-1"}, Map.of()));

            try (DedupService service = new DedupService(config).start()) {
                assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
                Await.until("the first record of the backlog", Duration.ofSeconds(60), () -> service.metrics().inCount() > 0);
                long started = System.nanoTime();
                double before = service.commits();
                Await.until("the whole backlog read", Duration.ofSeconds(120), () -> service.metrics().inCount() >= backlog,
                        () -> service.metrics().inCount() + " records in");
                double backlogMillis = (System.nanoTime() - started) / 1e6;
                double backlogCommits = service.commits() - before;
                // Every 20 ms would be backlogMillis / 20 commits; every 500 ms about a twenty-fifth of that.
                assertThat(backlogCommits).as("commits in %.0f ms of a minute-old backlog", backlogMillis)
                        .isLessThanOrEqualTo(2 + backlogMillis / 250);
                assertThat(TopicReader.read(stack.kafka(), "cadence.out", backlog, Duration.ofSeconds(60), Duration.ZERO))
                        .hasSize(backlog);

                double freshFrom = service.commits();
                for (int i = 0; i < 10; i++) {
                    // Two at once: the first asks for a commit, the second waits for the punctuator at the interval's end.
                    producer.send(payment("fresh-" + i + "a", System.currentTimeMillis()));
                    producer.send(payment("fresh-" + i + "b", System.currentTimeMillis()));
                    producer.flush();
                    Thread.sleep(150);
                }
                assertThat(TopicReader.read(stack.kafka(), "cadence.out", backlog + 20, Duration.ofSeconds(30), Duration.ZERO))
                        .hasSize(backlog + 20);
                // 10 pairs 150 ms apart over 1.5 s: the backlog's 500 ms alone would commit them in 3 or 4.
                assertThat(service.commits() - freshFrom).as("commits of 10 pairs of fresh records 150 ms apart").isGreaterThanOrEqualTo(8);

                // After fresh records: their punctuators must not outlive their commits.
                Thread.sleep(1_000);
                double idleFrom = service.commits();
                Thread.sleep(3_000);
                assertThat(service.commits()).as("an idle app commits no empty transactions").isEqualTo(idleFrom);
            }
        }
    }

    private static ProducerRecord<byte[], byte[]> payment(String bizId, long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        new EventMetadata(UUID.randomUUID(), bizId, "PaymentCompleted", "payment", Instant.ofEpochMilli(timestamp)).writeTo(headers);
        byte[] value = ("{\"paymentId\":\"" + bizId + "\"}").getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>("outbox.cadence", null, timestamp, bizId.getBytes(StandardCharsets.UTF_8), value, headers);
    }
}
