package io.onceonly.connector.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.onceonly.connector.offsets.SourcePosition;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.stack.Await;

/** The exactly-once sender on mock transactional producers: commit, abort and resend, fencing, dead letters in the transaction. */
class TransactionalSenderTest {

    private static final String DEAD_LETTER = "dead";
    private static final String OFFSETS = "offsets";
    private static final String ID = "relay-test.relay";
    private static final Map<String, Object> PARTITION = Map.of("server", "relay-test");

    private final RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry());
    private final Map<String, Function<ProducerRecord<byte[], byte[]>, RuntimeException>> refusals = new ConcurrentHashMap<>();
    private final List<Transactional> created = new ArrayList<>();

    @Test
    void theBatchAndItsPositionCommitInOneTransaction() throws Exception {
        TransactionalSender sender = sender(1_000);
        assertThat(created.get(0).transactionInitialized()).as("initialised at construction, before the engine reads").isTrue();

        sender.send(List.of(event("outbox.a", "e1", "{}"), event("outbox.a", "e2", "{}")), last(42));

        Transactional producer = created.get(0);
        assertThat(producer.commitCount()).isEqualTo(1);
        List<ProducerRecord<byte[], byte[]>> committed = producer.history();
        assertThat(committed).hasSize(3);
        assertThat(eventIds(committed.subList(0, 2))).containsExactly("e1", "e2");
        ProducerRecord<byte[], byte[]> position = committed.get(2);
        SourcePosition expected = new SourcePosition("relay-test", PARTITION, Map.of("lsn", 42L));
        assertThat(position.topic()).isEqualTo(OFFSETS);
        assertThat(position.key()).isEqualTo(expected.key());
        assertThat(new String(position.value(), StandardCharsets.UTF_8)).isEqualTo("{\"lsn\":42}");
        assertThat(metrics.relayedCount()).isEqualTo(2);
        assertThat(metrics.transactionsCommittedCount()).isEqualTo(1);
        assertThat(metrics.transactionsAbortedCount()).isZero();
        assertThat(sender.healthy()).isTrue();
    }

    @Test
    void aFailedSendAbortsTheTransactionAndTheWholeBatchGoesAgainInANewOne() throws Exception {
        AtomicInteger refused = new AtomicInteger();
        refusals.put("outbox.flaky", r -> refused.incrementAndGet() <= 2 ? new NotEnoughReplicasException("fewer in-sync replicas") : null);
        TransactionalSender sender = sender(1_000);

        sender.send(List.of(event("outbox.steady", "e1", "{}"), event("outbox.flaky", "e2", "{}"), event("outbox.flaky", "e3", "{}")),
                last(7));

        Transactional producer = created.get(0);
        assertThat(created).as("an aborted transaction keeps the producer").hasSize(1);
        assertThat(eventIds(producer.history().subList(0, 3))).as("committed once, in order").containsExactly("e1", "e2", "e3");
        assertThat(producer.history()).hasSize(4);
        assertThat(metrics.transactionsAbortedCount()).isEqualTo(2);
        assertThat(metrics.transactionsCommittedCount()).isEqualTo(1);
        assertThat(metrics.retryCount()).as("the whole batch, twice").isEqualTo(6);
        assertThat(metrics.relayedCount()).isEqualTo(3);
        assertThat(sender.lastError()).contains("NotEnoughReplicasException");
        assertThat(sender.healthy()).isTrue();
    }

    @Test
    void anAbortThatFailsReplacesTheProducerWhoseSuccessorAbortsWhatWasLeftOpen() throws Exception {
        refusals.put("outbox.flaky", r -> created.size() == 1 ? new NotEnoughReplicasException("fewer in-sync replicas") : null);
        TransactionalSender sender = sender(1_000);
        created.get(0).abortTransactionException = new KafkaException("the abort failed too");

        sender.send(List.of(event("outbox.flaky", "e1", "{}")), last(1));

        assertThat(created).hasSize(2);
        assertThat(created.get(0).closed()).isTrue();
        assertThat(created.get(1).transactionInitialized()).isTrue();
        assertThat(eventIds(created.get(1).history().subList(0, 1))).containsExactly("e1");
        assertThat(created.get(1).commitCount()).isEqualTo(1);
    }

    @Test
    void aCommitThatTimedOutIsFinishedByTheSameProducerNeverResent() throws Exception {
        TransactionalSender sender = sender(1_000);
        AtomicInteger commits = new AtomicInteger();
        created.get(0).onCommit = () -> {
            if (commits.incrementAndGet() <= 2) {
                throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)");
            }
        };

        sender.send(List.of(event("outbox.a", "e1", "{}")), last(1));

        assertThat(created).hasSize(1);
        assertThat(commits).hasValue(3);
        assertThat(created.get(0).history()).hasSize(2);
        assertThat(metrics.transactionsAbortedCount()).isZero();
        assertThat(metrics.relayedCount()).isEqualTo(1);
    }

    @Test
    void aFencedProducerStopsTheRelayNamingTheTransactionalIdAndIsNeverRetried() {
        TransactionalSender sender = sender(1_000);
        created.get(0).fenceProducer();

        assertThatThrownBy(() -> sender.send(List.of(event("outbox.a", "e1", "{}")), last(1)))
                .isInstanceOf(RelayFencedException.class)
                .hasMessageContaining(ID).hasMessageContaining("another instance");
        assertThat(created).as("no new producer: that would fence the instance that took over").hasSize(1);
        assertThat(created.get(0).history()).isEmpty();
        assertThat(metrics.relayedCount()).isZero();
        assertThat(sender.healthy()).isFalse();
    }

    @Test
    void aFenceReportedOnARecordStopsTheRelayToo() {
        refusals.put("outbox.a", r -> new ProducerFencedException("There is a newer producer with the same transactionalId"));
        TransactionalSender sender = sender(1_000);

        assertThatThrownBy(() -> sender.send(List.of(event("outbox.a", "e1", "{}")), last(1)))
                .isInstanceOf(RelayFencedException.class);
        assertThat(created).hasSize(1);
    }

    @Test
    void anEventOverTheEventLimitGoesWholeToTheDeadLetterTopicInTheBatchTransaction() throws Exception {
        TransactionalSender sender = sender(300);
        String big = "{\"big\":\"" + "x".repeat(400) + "\"}";

        sender.send(List.of(event("outbox.a", "e1", "{}"), event("outbox.a", "e2", big), event("outbox.a", "e3", "{}")), last(3));

        Transactional producer = created.get(0);
        assertThat(producer.commitCount()).as("one transaction, no resend").isEqualTo(1);
        List<ProducerRecord<byte[], byte[]>> committed = producer.history();
        assertThat(committed).extracting(ProducerRecord::topic).containsExactly("outbox.a", DEAD_LETTER, "outbox.a", OFFSETS);
        assertThat(new String(committed.get(1).value(), StandardCharsets.UTF_8)).isEqualTo(big);
        assertThat(OnceHeaders.lastText(committed.get(1).headers(), OnceHeaders.ERROR).orElseThrow()).contains("whole event");
        assertThat(metrics.relayedCount()).isEqualTo(2);
        assertThat(metrics.deadLetteredCount()).isEqualTo(1);
        assertThat(metrics.retryCount()).isZero();
    }

    @Test
    void anEventItsTopicRefusesGoesToTheDeadLetterTopicInTheNextTransactionWithoutAPause() throws Exception {
        refusals.put("outbox.big", r -> new RecordTooLargeException("The message is 2000000 bytes"));
        TransactionalSender sender = sender(1_000);

        sender.send(List.of(event("outbox.a", "e1", "{}"), event("outbox.big", "e2", "{}")), last(2));

        List<ProducerRecord<byte[], byte[]>> committed = created.get(0).history();
        assertThat(committed).extracting(ProducerRecord::topic).containsExactly("outbox.a", DEAD_LETTER, OFFSETS);
        assertThat(metrics.transactionsAbortedCount()).isEqualTo(1);
        assertThat(metrics.retryCount()).as("not a failure: a dead letter").isZero();
        assertThat(sender.healthy()).isTrue();
    }

    @Test
    void aDeadLetterOverEveryLimitBlocksTheRelayNamingTheRowUntilItIsAccepted() throws Exception {
        refusals.put("outbox.big", r -> new RecordTooLargeException("too large for the topic"));
        refusals.put(DEAD_LETTER, r -> new RecordTooLargeException("too large for the dead-letter topic"));
        TransactionalSender sender = sender(1_000);

        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                sender.send(List.of(event("outbox.big", "e1", "{}")), last(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("a blockage naming e1", Duration.ofSeconds(10), () -> sender.blockage() != null);
        assertThat(sender.blockage().eventId()).isEqualTo("e1");
        assertThat(sender.blockage().topic()).isEqualTo(DEAD_LETTER);
        assertThat(sender.healthy()).isFalse();
        assertThat(created.get(0).history()).as("nothing committed past it").isEmpty();

        refusals.remove(DEAD_LETTER);
        sending.get(10, TimeUnit.SECONDS);
        assertThat(sender.blockage()).isNull();
        assertThat(metrics.deadLetteredCount()).isEqualTo(1);
    }

    @Test
    void aStopDuringResendsEndsTheBatchUnmarked() throws Exception {
        refusals.put("outbox.a", r -> new NotEnoughReplicasException("fewer in-sync replicas"));
        TransactionalSender sender = sender(1_000);
        CompletableFuture<Throwable> sending = CompletableFuture.supplyAsync(() -> {
            try {
                sender.send(List.of(event("outbox.a", "e1", "{}")), last(1));
                return null;
            } catch (InterruptedException e) {
                return e;
            }
        });
        Await.until("a resend", Duration.ofSeconds(10), () -> metrics.retryCount() > 0);
        assertThat(sender.close(Duration.ofSeconds(1))).isTrue();
        assertThat(sending.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(created.get(0).history()).isEmpty();
    }

    private TransactionalSender sender(int maxEventBytes) {
        return new TransactionalSender(() -> {
            Transactional producer = new Transactional();
            created.add(producer);
            return producer;
        }, metrics, 50, DEAD_LETTER, new TransactionalSender.Transactions(ID, OFFSETS, "relay-test", maxEventBytes),
                System::currentTimeMillis);
    }

    private static SourceRecord last(long lsn) {
        return new SourceRecord(PARTITION, Map.of("lsn", lsn), "relay-test.public.outbox", null, null);
    }

    private static List<String> eventIds(List<ProducerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> OnceHeaders.lastText(r.headers(), OnceHeaders.EVENT_ID).orElseThrow()).toList();
    }

    private static AcknowledgedSender.Outgoing event(String topic, String eventId, String value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(OnceHeaders.EVENT_ID, OnceHeaders.text(eventId));
        return new AcknowledgedSender.Outgoing(new ProducerRecord<>(topic, null, "key".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), headers), Instant.now());
    }

    /** A transactional mock producer that refuses what the test's refusals refuse. */
    private final class Transactional extends MockProducer<byte[], byte[]> {
        volatile Runnable onCommit = () -> { };

        Transactional() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
            Function<ProducerRecord<byte[], byte[]>, RuntimeException> refusal = refusals.get(record.topic());
            RuntimeException refused = refusal == null ? null : refusal.apply(record);
            if (refused != null) {
                return CompletableFuture.failedFuture(refused);
            }
            return super.send(record);
        }

        @Override
        public void commitTransaction() {
            onCommit.run();
            super.commitTransaction();
        }
    }
}
