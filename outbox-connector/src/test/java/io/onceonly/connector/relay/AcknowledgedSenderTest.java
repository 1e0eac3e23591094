package io.onceonly.connector.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.stack.Await;

/** The sender's refusal, retry and renewal paths, on producers that refuse what a test tells them to. */
class AcknowledgedSenderTest {

    private static final String DEAD_LETTER = "dead";

    private final RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry());
    private final Map<String, Function<ProducerRecord<byte[], byte[]>, RuntimeException>> refusals = new ConcurrentHashMap<>();
    private final List<Refusing> created = new ArrayList<>();

    @Test
    void anEventTooLargeForItsTopicGoesWholeToTheDeadLetterTopicThroughTheDeadLetterProducer() throws Exception {
        refusals.put("outbox.big", r -> new RecordTooLargeException("The message is 2000000 bytes"));
        AcknowledgedSender sender = sender();

        sender.sendAll(List.of(event("outbox.big", "e1", "{\"big\": true}"), event("outbox.small", "e2", "{}")));

        Refusing deadLetters = created.get(1);
        assertThat(deadLetters.deadLetter).isTrue();
        ProducerRecord<byte[], byte[]> dead = deadLetters.history().get(0);
        assertThat(dead.topic()).isEqualTo(DEAD_LETTER);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{\"big\": true}");
        assertThat(OnceHeaders.lastText(dead.headers(), OnceHeaders.EVENT_ID)).contains("e1");
        assertThat(OnceHeaders.lastText(dead.headers(), OnceHeaders.ERROR).orElseThrow()).contains("outbox.big").contains("whole event");
        assertThat(metrics.relayedCount()).isEqualTo(1);
        assertThat(metrics.deadLetteredCount()).isEqualTo(1);
        assertThat(sender.blockage()).isNull();
    }

    @Test
    void aDeadLetterOverEveryLimitBlocksTheRelayNamingTheRowUntilItIsAccepted() throws Exception {
        refusals.put("outbox.big", r -> new RecordTooLargeException("too large for the topic"));
        refusals.put(DEAD_LETTER, r -> new RecordTooLargeException("too large for the dead-letter topic"));
        AcknowledgedSender sender = sender();

        CompletableFuture<Void> sending = inBackground(sender, List.of(event("outbox.big", "e1", "{}")));
        Await.until("a blockage naming e1", Duration.ofSeconds(10), () -> sender.blockage() != null);
        assertThat(sender.blockage().eventId()).isEqualTo("e1");
        assertThat(sender.blockage().topic()).isEqualTo(DEAD_LETTER);
        assertThat(sender.blockage().fix()).contains("max.message.bytes");
        assertThat(sender.healthy()).isFalse();
        assertThat(sending).isNotDone();

        refusals.remove(DEAD_LETTER);
        sending.get(10, TimeUnit.SECONDS);
        assertThat(sender.blockage()).isNull();
        assertThat(sender.healthy()).isTrue();
        assertThat(metrics.deadLetteredCount()).isEqualTo(1);
    }

    @Test
    void aMissingTopicIsAskedForOncePerRoundNotOncePerRecord() throws Exception {
        refusals.put("outbox.missing", r -> new TimeoutException("Topic outbox.missing not present in metadata after 60000 ms."));
        AcknowledgedSender sender = sender();

        CompletableFuture<Void> sending = inBackground(sender, List.of(event("outbox.missing", "e1", "{}"),
                event("outbox.missing", "e2", "{}"), event("outbox.missing", "e3", "{}"), event("outbox.other", "e4", "{}")));
        Await.until("a blockage naming the topic", Duration.ofSeconds(10), () -> sender.blockage() != null);
        assertThat(sender.blockage().topic()).isEqualTo("outbox.missing");
        assertThat(sender.blockage().eventId()).isEqualTo("e1");
        assertThat(sender.blockage().fix()).contains("create the topic outbox.missing");
        assertThat(created.get(0).attempts("outbox.missing")).as("sends of the first round").isLessThanOrEqualTo(2);

        refusals.remove("outbox.missing");
        sending.get(10, TimeUnit.SECONDS);
        assertThat(eventIds(created.get(0).history())).containsSubsequence("e1", "e2", "e3");
        assertThat(metrics.relayedCount()).isEqualTo(4);
    }

    @Test
    void aRefusedAuthorizationBlocksTheRelayNamingTheTopicAndTheGrant() throws Exception {
        refusals.put("outbox.secret", r -> new TopicAuthorizationException(java.util.Set.of("outbox.secret")));
        AcknowledgedSender sender = sender();

        CompletableFuture<Void> sending = inBackground(sender, List.of(event("outbox.secret", "e1", "{}")));
        Await.until("a blockage naming the topic", Duration.ofSeconds(10), () -> sender.blockage() != null);
        assertThat(sender.blockage().topic()).isEqualTo("outbox.secret");
        assertThat(sender.blockage().fix()).contains("grant").contains("WRITE").contains("--topic outbox.secret");

        refusals.remove("outbox.secret");
        sending.get(10, TimeUnit.SECONDS);
        assertThat(sender.blockage()).isNull();
    }

    @Test
    void aRetriableErrorResendsTheRefusedRecordsInOrderCountsThemAndIsHealthyOnceTheyAreAcknowledged() throws Exception {
        // The partition refuses whole rounds, as a real one refuses a whole batch: decided at e2, the first of each round, so
        // the test never lifts the refusal between e2 and e3 of one round.
        AtomicInteger rounds = new AtomicInteger();
        AtomicBoolean refusing = new AtomicBoolean(true);
        CountDownLatch lift = new CountDownLatch(1);
        refusals.put("outbox.flaky", r -> {
            if ("e2".equals(OnceHeaders.lastText(r.headers(), OnceHeaders.EVENT_ID).orElse(null))) {
                refusing.set(rounds.incrementAndGet() <= 3 || lift.getCount() > 0);
            }
            return refusing.get() ? new NotEnoughReplicasException("fewer in-sync replicas than required") : null;
        });
        AcknowledgedSender sender = sender();

        CompletableFuture<Void> sending = inBackground(sender, List.of(event("outbox.steady", "e1", "{}"),
                event("outbox.flaky", "e2", "{}"), event("outbox.flaky", "e3", "{}"), event("outbox.flaky", "e4", "{}")));
        Await.until("a resend", Duration.ofSeconds(10), () -> metrics.retryCount() >= 3);
        assertThat(sender.healthy()).isFalse();
        assertThat(sender.lastError()).contains("NotEnoughReplicasException");
        assertThat(sending).isNotDone();

        lift.countDown();
        sending.get(10, TimeUnit.SECONDS);
        assertThat(sender.healthy()).isTrue();
        assertThat(created).as("a retriable error keeps the producer").hasSize(1);
        assertThat(eventIds(created.get(0).history())).containsExactly("e1", "e2", "e3", "e4");
        assertThat(metrics.retryCount()).as("every refused send of e2, e3, e4: all of their sends but the last round")
                .isPositive().isEqualTo(created.get(0).attempts("outbox.flaky") - 3);
        assertThat(metrics.relayedCount()).isEqualTo(4);
        assertThat(sender.blockage()).isNull();
    }

    @Test
    void aNonRetriableErrorReplacesTheProducerAndTheNewOneSendsTheBatch() throws Exception {
        AcknowledgedSender sender = sender();
        Refusing fenced = created.get(0);
        fenced.fence();

        // Kept, the fenced producer would refuse forever: the batch would never be acknowledged.
        inBackground(sender, List.of(event("outbox.a", "e1", "{}"), event("outbox.a", "e2", "{}"))).get(10, TimeUnit.SECONDS);

        assertThat(created).hasSize(2);
        assertThat(fenced.closed()).as("the fenced producer is closed").isTrue();
        assertThat(fenced.history()).isEmpty();
        Refusing renewed = created.get(1);
        assertThat(renewed.deadLetter).isFalse();
        assertThat(eventIds(renewed.history())).containsExactly("e1", "e2");
        assertThat(metrics.retryCount()).isEqualTo(2);
        assertThat(metrics.relayedCount()).isEqualTo(2);
        assertThat(sender.healthy()).isTrue();
        assertThat(sender.lastError()).contains("ProducerFencedException");
    }

    private static CompletableFuture<Void> inBackground(AcknowledgedSender sender, List<AcknowledgedSender.Outgoing> batch) {
        return CompletableFuture.runAsync(() -> {
            try {
                sender.sendAll(batch);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static List<String> eventIds(List<ProducerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> OnceHeaders.lastText(r.headers(), OnceHeaders.EVENT_ID).orElseThrow()).toList();
    }

    private AcknowledgedSender sender() {
        return new AcknowledgedSender(deadLetter -> {
            Refusing producer = new Refusing(deadLetter);
            created.add(producer);
            return producer;
        }, metrics, 50, DEAD_LETTER);
    }

    private static AcknowledgedSender.Outgoing event(String topic, String eventId, String value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(OnceHeaders.EVENT_ID, OnceHeaders.text(eventId));
        return new AcknowledgedSender.Outgoing(new ProducerRecord<>(topic, null, "key".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), headers), Instant.now());
    }

    /** A producer that acknowledges at once, except what the test's refusals refuse. */
    private final class Refusing extends MockProducer<byte[], byte[]> {
        private final boolean deadLetter;
        private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
        private volatile boolean fenced;

        Refusing(boolean deadLetter) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.deadLetter = deadLetter;
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
            attempts.merge(record.topic(), 1, Integer::sum);
            if (fenced) {
                return CompletableFuture.failedFuture(new ProducerFencedException("another producer with the same transactional.id"));
            }
            Function<ProducerRecord<byte[], byte[]>, RuntimeException> refusal = refusals.get(record.topic());
            RuntimeException refused = refusal == null ? null : refusal.apply(record);
            if (refused != null) {
                return CompletableFuture.failedFuture(refused);
            }
            return super.send(record);
        }

        /** Refuses every send from now on, as a producer that another one with its id fenced. */
        void fence() {
            fenced = true;
        }

        int attempts(String topic) {
            return attempts.getOrDefault(topic, 0);
        }
    }
}
