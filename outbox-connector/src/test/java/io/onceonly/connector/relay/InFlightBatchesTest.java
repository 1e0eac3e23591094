package io.onceonly.connector.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.stack.Await;

/**
 * The at-least-once window: positions are marked only behind acknowledgements, in batch order, also
 * when a batch fails with later ones in flight, when the producer is replaced, and at the stop; on
 * producers whose acknowledgements the test gives, one record at a time.
 */
@Timeout(60)
class InFlightBatchesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry());
    private final List<Held> producers = new CopyOnWriteArrayList<>();
    private final Marks marks = new Marks();
    private InFlightBatches window;

    @AfterEach
    void close() {
        if (window != null) {
            window.close();
        }
    }

    @Test
    void aBatchIsMarkedOnlyOnceItAndEveryEarlierBatchWereAcknowledgedInBatchOrder() throws Exception {
        window(3);

        relay("e1", "e2");
        relay("e3");
        assertThat(window.unacknowledged()).isEqualTo(3);

        producer().ack("e3");
        producer().ack("e2");
        // e1 is still open: neither batch may be marked, though most of both is acknowledged.
        producer().ack("e1");
        Await.until("both batches marked", WAIT, () -> marks.size() == 5);
        assertThat(marks.all()).containsExactly("e1", "e2", "finished", "e3", "finished");
        assertThat(window.unacknowledged()).isZero();
        assertThat(metrics.relayedCount()).isEqualTo(3);
    }

    @Test
    void aLaterBatchStaysUnmarkedWhileAnEarlierOneIsNotAcknowledged() throws Exception {
        window(4);

        relay("e1");
        relay("e2");
        producer().ack("e2");
        // Marking after e2's answer would confirm e1's position too, which Kafka does not have.
        relay("e3");
        assertThat(marks.all()).isEmpty();

        producer().ack("e1");
        producer().ack("e3");
        Await.until("all marked", WAIT, () -> marks.size() == 6);
        assertThat(marks.all()).containsExactly("e1", "finished", "e2", "finished", "e3", "finished");
    }

    @Test
    void aFullWindowHoldsTheEngineUntilTheOldestBatchIsAcknowledged() throws Exception {
        window(2);
        relay("e1");

        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> relayUnchecked("e2"));
        Await.until("e2 sent", WAIT, () -> producer().sent().contains("e2"));
        assertThat(second).as("two batches unacknowledged: the engine may not read a third").isNotDone();

        producer().ack("e1");
        second.get(10, TimeUnit.SECONDS);
        assertThat(marks.all()).containsExactly("e1", "finished");
        assertThat(window.unacknowledged()).isEqualTo(1);
    }

    @Test
    void aFailedBatchWithALaterOneInFlightIsResentAndBothAreMarkedInOrderOnlyAfterTheResend() throws Exception {
        window(3);
        relay("e1");
        relay("e2");

        producer().refuse("e1", new NotEnoughReplicasException("fewer in-sync replicas than required"));
        producer().ack("e2");
        Await.until("e1 resent", WAIT, () -> producer().sent().equals(List.of("e1", "e2", "e1")));
        assertThat(marks.all()).as("e2 is acknowledged but e1, before it, is not").isEmpty();

        producer().ack("e1");
        Await.until("both marked", WAIT, () -> marks.size() == 4);
        assertThat(marks.all()).containsExactly("e1", "finished", "e2", "finished");
        assertThat(producers).as("a retriable error keeps the producer").hasSize(1);
        assertThat(metrics.relayedCount()).isEqualTo(2);
        assertThat(metrics.retryCount()).isEqualTo(1);
    }

    @Test
    void aRefusalSeenBeforeTheNextBatchIsSettledBeforeTheNextBatchIsSent() throws Exception {
        window(3);
        relay("e1");
        producer().refuse("e1", new NotEnoughReplicasException("fewer in-sync replicas than required"));
        producer().ackFromNowOn();

        relay("e2");

        // The resend of e1 goes first: e2 must not overtake it on the partition.
        assertThat(producer().sent()).containsExactly("e1", "e1", "e2");
        Await.until("both marked", WAIT, () -> marks.size() == 4);
        assertThat(marks.all()).containsExactly("e1", "finished", "e2", "finished");
    }

    @Test
    void aReplacedProducerSendsEveryUnacknowledgedRecordOfTheWindowAgainInOrder() throws Exception {
        window(3);
        relay("e1", "e2");
        relay("e3", "e4");
        Held first = producer();
        first.ack("e2");

        // A fatal error fails everything the producer still holds; the producer is then replaced.
        for (String id : List.of("e1", "e3", "e4")) {
            first.refuse(id, new ProducerFencedException("another producer with the same transactional.id"));
        }
        Await.until("a new producer", WAIT, () -> producers.size() == 2);
        Held second = producers.get(1);
        second.ackFromNowOn();

        Await.until("all marked", WAIT, () -> marks.size() == 6);
        assertThat(first.closed()).isTrue();
        assertThat(second.sent()).as("e2 was acknowledged: the rest again, in source order").containsExactly("e1", "e3", "e4");
        assertThat(marks.all()).containsExactly("e1", "e2", "finished", "e3", "e4", "finished");
    }

    @Test
    void theStopMarksWhatIsAcknowledgedAndLeavesTheRestUnmarkedForTheRestart() throws Exception {
        window(3);
        relay("e1");
        relay("e2");
        producer().ack("e1");

        window.stopping(Duration.ofMillis(200));

        assertThat(marks.all()).as("the engine's stop saves what is marked").containsExactly("e1", "finished");
        assertThat(window.unacknowledged()).isEqualTo(1);
        assertThat(window.batches()).isEqualTo(1);
    }

    @Test
    void aBatchReadWhileStoppingIsMarkedBeforeTheEngineGoesOn() throws Exception {
        window(3);
        window.stopping(Duration.ZERO);

        CompletableFuture<Void> batch = CompletableFuture.runAsync(() -> relayUnchecked("e1"));
        Await.until("e1 sent", WAIT, () -> producer().sent().contains("e1"));
        assertThat(batch).as("no thread would mark it after the handler returned").isNotDone();

        producer().ack("e1");
        batch.get(10, TimeUnit.SECONDS);
        assertThat(marks.all()).containsExactly("e1", "finished");
    }

    // --- fixture

    private void window(int max) {
        AcknowledgedSender sender = new AcknowledgedSender(deadLetter -> {
            Held producer = new Held();
            producers.add(producer);
            return producer;
        }, metrics, 50, "dead");
        window = new InFlightBatches(sender, max, () -> { });
    }

    private Held producer() {
        return producers.get(0);
    }

    private void relay(String... eventIds) throws InterruptedException {
        List<RecordChangeEvent<SourceRecord>> events = new ArrayList<>();
        List<AcknowledgedSender.Outgoing> outgoing = new ArrayList<>();
        for (String id : eventIds) {
            SourceRecord source = new SourceRecord(Map.of("server", "s"), Map.of("lsn", id), "t", null, id);
            events.add(() -> source);
            RecordHeaders headers = new RecordHeaders();
            headers.add(OnceHeaders.EVENT_ID, OnceHeaders.text(id));
            outgoing.add(new AcknowledgedSender.Outgoing(new ProducerRecord<>("outbox.a", 0, "key".getBytes(StandardCharsets.UTF_8),
                    "{}".getBytes(StandardCharsets.UTF_8), headers), Instant.now()));
        }
        window.relay(events, outgoing, RelayTracing.BatchSpans.NONE, marks);
    }

    private void relayUnchecked(String... eventIds) {
        try {
            relay(eventIds);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String eventId(ProducerRecord<byte[], byte[]> record) {
        return OnceHeaders.lastText(record.headers(), OnceHeaders.EVENT_ID).orElseThrow();
    }

    /** Debezium's committer, as a list of what was marked; fails when used by two threads at once. */
    private static final class Marks implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
        private final List<String> marked = new CopyOnWriteArrayList<>();
        private volatile Thread user;

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record) {
            enter();
            marked.add((String) record.record().value());
            leave();
        }

        @Override
        public void markBatchFinished() {
            enter();
            marked.add("finished");
            leave();
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets sourceOffsets) {
            markProcessed(record);
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            throw new UnsupportedOperationException();
        }

        private void enter() {
            assertThat(user).as("the committer is not thread-safe").isNull();
            user = Thread.currentThread();
            assertThat(user.getName()).doesNotContain("kafka-producer-network-thread");
        }

        private void leave() {
            user = null;
        }

        List<String> all() {
            return List.copyOf(marked);
        }

        int size() {
            return marked.size();
        }
    }

    /** A producer that answers only when the test says, record by record, and fails what it holds when closed. */
    private static final class Held extends MockProducer<byte[], byte[]> {
        private final List<Pending> pending = new ArrayList<>();
        private final List<String> sent = new CopyOnWriteArrayList<>();
        private boolean ackAll;

        private record Pending(String eventId, CompletableFuture<RecordMetadata> future, Callback callback) {
        }

        Held() {
            super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            String id = eventId(record);
            sent.add(id);
            Pending p = new Pending(id, new CompletableFuture<>(), callback);
            if (ackAll) {
                answer(p, null);
            } else {
                pending.add(p);
            }
            return p.future();
        }

        synchronized void ack(String eventId) {
            answer(take(eventId), null);
        }

        synchronized void refuse(String eventId, RuntimeException error) {
            answer(take(eventId), error);
        }

        synchronized void ackFromNowOn() {
            ackAll = true;
            new ArrayList<>(pending).forEach(p -> ack(p.eventId()));
        }

        List<String> sent() {
            return List.copyOf(sent);
        }

        @Override
        public synchronized void close(Duration timeout) {
            new ArrayList<>(pending).forEach(p -> refuse(p.eventId(), new KafkaException("producer closed while the record was in flight")));
            super.close(timeout);
        }

        private Pending take(String eventId) {
            Pending p = pending.stream().filter(x -> x.eventId().equals(eventId)).findFirst().orElseThrow();
            pending.remove(p);
            return p;
        }

        private static void answer(Pending p, RuntimeException error) {
            RecordMetadata metadata = new RecordMetadata(new TopicPartition("outbox.a", 0), 0, 0, 0, 0, 0);
            if (error == null) {
                p.future().complete(metadata);
            } else {
                p.future().completeExceptionally(error);
            }
            if (p.callback() != null) {
                p.callback().onCompletion(error == null ? metadata : null, error);
            }
        }
    }
}
