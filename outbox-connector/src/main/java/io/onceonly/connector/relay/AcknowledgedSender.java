package io.onceonly.connector.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.contracts.wire.OnceHeaders;

/**
 * Sends a batch and returns only when Kafka acknowledged every record of it. A record that is not
 * acknowledged is sent again, in the batch's order, with a growing pause; it is never skipped.
 *
 * <p>Order: the idempotent producer fails every later in-flight batch of a partition once one
 * fails, so the failures of a partition are a suffix of its records, and resending them in order
 * keeps per-aggregate order.
 *
 * <p>Two producers: events go through the event producer, whose size limit matches what the
 * writer and the dedup stage accept; dead letters go through a producer with a larger limit and
 * zstd, so that a row too large for its topic still reaches the dead-letter topic whole. What
 * cannot reach Kafka at all (a dead letter over every limit, a missing or forbidden topic) is a
 * {@link Blockage}: the relay waits on it, says so on /health and in the log, and resumes by itself
 * once the operator fixed it. Nothing is confirmed past it.
 */
final class AcknowledgedSender implements BatchSender, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AcknowledgedSender.class);

    private final Relay.ProducerFactory producers;
    private final RelayMetrics metrics;
    private final long maxBackoffMs;
    private final String deadLetterTopic;
    private final LongSupplier clock;
    private volatile Producer<byte[], byte[]> events;
    private volatile Producer<byte[], byte[]> deadLetters;
    // Set by close(): a sender still running on the engine's thread must not make new producers nobody closes.
    private volatile boolean closed;
    private volatile boolean healthy = true;
    private volatile String lastError;
    private final BlockageLog blockages;

    AcknowledgedSender(Relay.ProducerFactory producers, RelayMetrics metrics, long maxBackoffMs, String deadLetterTopic) {
        this(producers, metrics, maxBackoffMs, deadLetterTopic, System::currentTimeMillis);
    }

    AcknowledgedSender(Relay.ProducerFactory producers, RelayMetrics metrics, long maxBackoffMs, String deadLetterTopic, LongSupplier clock) {
        this.producers = producers;
        this.metrics = metrics;
        this.maxBackoffMs = maxBackoffMs;
        this.deadLetterTopic = deadLetterTopic;
        this.clock = clock;
        this.blockages = new BlockageLog(clock, maxBackoffMs);
        this.events = producers.create(false);
    }

    /** One record to send; {@code createdAt} is null for dead letters. */
    record Outgoing(ProducerRecord<byte[], byte[]> record, Instant createdAt) {
        boolean isDeadLetter() {
            return createdAt == null;
        }

        String eventId() {
            return OnceHeaders.lastText(record.headers(), OnceHeaders.EVENT_ID).orElse(null);
        }
    }

    @Override
    public void send(List<Outgoing> batch, SourceRecord last) throws InterruptedException {
        sendAll(batch);
    }

    /**
     * Sends all and waits for every acknowledgement.
     *
     * @throws InterruptedException when the relay is stopping; unacknowledged records are then not
     *     marked processed and are read again after the restart
     */
    void sendAll(List<Outgoing> batch) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        if (closed) {
            throw new InterruptedException("the connector is stopping: the batch is not marked processed");
        }
        settle(batch, sendRound(batch, null), true);
    }

    /**
     * Hands a batch to the producers and returns without waiting for Kafka; {@link #settle(List)}
     * later waits for it and resends what Kafka refused. Each acknowledgement is counted in the
     * metrics as it arrives, on the producer's thread (which does nothing else here).
     *
     * @param whenDone run once every record of the batch was answered, acknowledged or not, on the
     *     thread that answered the last one (a producer I/O thread, or this one): it must only hand
     *     work to another thread
     * @throws InterruptedException when the relay is stopping
     */
    Sent submit(List<Outgoing> batch, Runnable whenDone) throws InterruptedException {
        if (closed) {
            throw new InterruptedException("the connector is stopping: the batch is not marked processed");
        }
        Sent sent = new Sent(batch, whenDone);
        sent.acks.addAll(sendRound(batch, sent));
        sent.handedOver();
        return sent;
    }

    /**
     * Waits for every acknowledgement of batches handed over by {@link #submit}, then resends what
     * Kafka refused, all of them together in their order (batch by batch), until every record is
     * acknowledged: the same rounds, pauses, producer renewals and blockages as {@link #sendAll}.
     *
     * @throws InterruptedException when the relay is stopping; the batches are then not acknowledged
     */
    void settle(List<Sent> window) throws InterruptedException {
        List<Outgoing> records = new ArrayList<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (Sent sent : window) {
            records.addAll(sent.records);
            acks.addAll(sent.acks);
        }
        // The first round's acknowledgements were counted as they arrived.
        settle(records, acks, false);
        for (Sent sent : window) {
            sent.failed = false;
        }
    }

    /**
     * Sends each record once, in order.
     *
     * @param sent the batch whose answers are counted as they arrive, or null when settle() waits for them
     */
    private List<Future<RecordMetadata>> sendRound(List<Outgoing> pending, Sent sent) throws InterruptedException {
        // A send to a missing topic blocks for max.block.ms: one per topic and round is enough to learn it still is.
        Map<String, Throwable> unreachable = new HashMap<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>(pending.size());
        for (Outgoing out : pending) {
            Answer answer = sent == null ? null : new Answer(sent, out);
            Throwable known = unreachable.get(out.record().topic());
            Future<RecordMetadata> ack;
            if (known != null) {
                ack = CompletableFuture.failedFuture(known);
                if (answer != null) {
                    answer.refused();
                }
            } else {
                ack = send(out, answer);
                if (ack.isDone()) {
                    Throwable error = failure(ack);
                    if (error != null && isTopicUnreachable(error)) {
                        unreachable.put(out.record().topic(), error);
                    }
                }
            }
            acks.add(ack);
        }
        return acks;
    }

    // Waits for a round's answers and sends again, in order, what was not acknowledged, until all is.
    private void settle(List<Outgoing> pending, List<Future<RecordMetadata>> acks, boolean countAcknowledged)
            throws InterruptedException {
        long backoff = 100;
        while (true) {
            List<Outgoing> failed = new ArrayList<>();
            int diverted = 0;
            Throwable firstError = null;
            Blockage blocked = null;
            for (int i = 0; i < pending.size(); i++) {
                Outgoing out = pending.get(i);
                Throwable cause = failure(acks.get(i));
                if (cause == null) {
                    if (countAcknowledged) {
                        counted(out);
                    }
                    continue;
                }
                if (!out.isDeadLetter() && (cause instanceof RecordTooLargeException || cause instanceof InvalidTopicException)) {
                    // Refused for good on its topic: the whole record goes to the dead-letter topic instead.
                    failed.add(divert(out, cause, deadLetterTopic));
                    diverted++;
                    continue;
                }
                failed.add(out);
                if (firstError == null) {
                    firstError = cause;
                }
                if (blocked == null) {
                    blocked = blockage(out, cause);
                }
            }
            if (firstError != null) {
                healthy = false;
                lastError = firstError.toString();
                metrics.retried(failed.size() - diverted);
                report(blocked, failed.size() - diverted, pending.size(), firstError, backoff);
                if (!(firstError instanceof RetriableException) && !isTopicUnreachable(firstError)) {
                    renewProducers();
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, maxBackoffMs);
            } else if (failed.isEmpty()) {
                healthy = true;
                blockages.advanced();
            }
            if (failed.isEmpty()) {
                return;
            }
            if (closed) {
                throw new InterruptedException("the connector is stopping: the batch is not marked processed");
            }
            pending = failed;
            acks = sendRound(pending, null);
            countAcknowledged = true;
        }
    }

    private void counted(Outgoing out) {
        if (out.isDeadLetter()) {
            metrics.deadLettered();
        } else {
            metrics.relayed(out.createdAt(), clock.getAsLong());
        }
    }

    /**
     * A batch handed to the producers by {@link #submit}, whose acknowledgements may still be on
     * their way. Answered once every record got its answer; acknowledged if no answer was an error.
     */
    static final class Sent {
        private final List<Outgoing> records;
        private final List<Future<RecordMetadata>> acks;
        private final Runnable whenDone;
        // One more than the records until submit handed all of them over: the batch is not done while it still sends.
        private final AtomicInteger open;
        private volatile boolean failed;

        private Sent(List<Outgoing> records, Runnable whenDone) {
            this.records = records;
            this.acks = new ArrayList<>(records.size());
            this.whenDone = whenDone;
            this.open = new AtomicInteger(records.size() + 1);
        }

        private void handedOver() {
            answered();
        }

        private void answered() {
            if (open.decrementAndGet() == 0) {
                whenDone.run();
            }
        }

        /** Every record got its answer from Kafka. */
        boolean done() {
            return open.get() == 0;
        }

        /** Some record was refused: {@link AcknowledgedSender#settle(List)} must resend it before anything is marked. */
        boolean failed() {
            return failed;
        }

        /** The number of records. */
        int size() {
            return records.size();
        }

        /** Waits until every record got its answer. */
        void await() throws InterruptedException {
            for (Future<RecordMetadata> ack : acks) {
                failure(ack);
            }
        }

        /**
         * Waits until every record got its answer, at most until {@code deadlineNanos}.
         *
         * @return whether it did
         */
        boolean await(long deadlineNanos) throws InterruptedException {
            for (Future<RecordMetadata> ack : acks) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0 && !ack.isDone()) {
                    return false;
                }
                try {
                    ack.get(Math.max(0, left), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    // An answer too: settle() resends the record.
                } catch (java.util.concurrent.TimeoutException e) {
                    return false;
                }
            }
            return true;
        }
    }

    // One record's answer, taken once: KafkaProducer may both call back and fail the send it returns.
    private final class Answer extends AtomicBoolean implements Callback {
        private final Sent sent;
        private final Outgoing out;

        Answer(Sent sent, Outgoing out) {
            this.sent = sent;
            this.out = out;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception error) {
            if (error == null) {
                if (compareAndSet(false, true)) {
                    counted(out);
                    sent.answered();
                }
            } else {
                refused();
            }
        }

        void refused() {
            if (compareAndSet(false, true)) {
                sent.failed = true;
                sent.answered();
            }
        }
    }

    private void report(Blockage blocked, int failed, int pending, Throwable error, long backoff) {
        if (blocked == null) {
            LOG.warn("{} of {} records not acknowledged by Kafka ({}); sending them again in order in {} ms",
                    failed, pending, error.toString(), backoff);
            return;
        }
        blockages.blocked(blocked, "Nothing after it is confirmed");
    }

    // The failures an operator has to act on; anything else is retried quietly.
    static Blockage blockage(Outgoing out, Throwable cause) {
        String topic = out.record().topic();
        if (cause instanceof RecordTooLargeException) {
            return new Blockage(out.eventId(), topic, cause.getMessage(), "even the dead-letter producer cannot send it: raise the"
                    + " topic's max.message.bytes (kafka-configs --alter --entity-type topics --entity-name " + topic
                    + " --add-config max.message.bytes=<bytes>) and dead-letter.max.request.size, or repair the row");
        }
        if (cause instanceof AuthorizationException && !(cause instanceof TopicAuthorizationException)) {
            return new Blockage(out.eventId(), topic, cause.toString(), "grant the connector's Kafka principal what the error"
                    + " names (an idempotent producer needs IDEMPOTENT_WRITE on the cluster, or WRITE on its topics with"
                    + " Kafka 2.8 or later); a new producer is tried after each pause");
        }
        if (cause instanceof TopicAuthorizationException) {
            return new Blockage(out.eventId(), topic, cause.toString(), "grant the connector's Kafka principal WRITE and DESCRIBE on"
                    + " topic " + topic + " (kafka-acls --add --allow-principal <principal> --operation Write --operation Describe"
                    + " --topic " + topic + ")");
        }
        if (isTopicUnreachable(cause)) {
            // The producer says the same when no broker answers at all (an outage) as when the topic is missing.
            return new Blockage(out.eventId(), topic, cause.getMessage(), "if the brokers are reachable (check"
                    + " kafka.bootstrap.servers and the network), create the topic " + topic + " (the cluster does not create it:"
                    + " auto.create.topics.enable is off), or grant the connector's principal DESCRIBE on it");
        }
        if (cause instanceof InvalidTopicException) {
            return new Blockage(out.eventId(), topic, cause.getMessage(), "choose a dead-letter.topic Kafka accepts");
        }
        return null;
    }

    static boolean isTopicUnreachable(Throwable error) {
        return error instanceof TopicAuthorizationException
                || (error instanceof TimeoutException && String.valueOf(error.getMessage()).contains("not present in metadata"));
    }

    private Future<RecordMetadata> send(Outgoing out, Answer answer) {
        try {
            return answer == null ? producer(out).send(out.record()) : producer(out).send(out.record(), answer);
        } catch (RuntimeException e) {
            // send() itself throws when the producer is closed or fenced, or the buffer stays full.
            if (answer != null) {
                answer.refused();
            }
            return CompletableFuture.failedFuture(e);
        }
    }

    private Producer<byte[], byte[]> producer(Outgoing out) {
        if (!out.isDeadLetter()) {
            return events;
        }
        if (deadLetters == null && !closed) {
            deadLetters = producers.create(true);
        }
        return deadLetters;
    }

    // An interruption is the stop, not Kafka's answer: it ends sendAll, with nothing marked processed.
    private static Throwable failure(Future<RecordMetadata> ack) throws InterruptedException {
        try {
            ack.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** The whole event as a dead letter, with a once-error saying why its topic refused it. */
    static Outgoing divert(Outgoing out, Throwable cause, String deadLetterTopic) {
        String reason = "Kafka refused the record on " + out.record().topic() + " (" + cause.getMessage() + ")"
                + (cause instanceof RecordTooLargeException
                        ? "; this is the whole event: raise the topic's max.message.bytes and the relay's kafka.max.request.size"
                                + " (and the dedup app's), or make the payload smaller, then replay it"
                        : "; this is the whole event: fix its aggregate type, then replay it");
        RecordHeaders headers = new RecordHeaders(out.record().headers().toArray());
        headers.add(OnceHeaders.ERROR, OnceHeaders.text(reason));
        LOG.warn("event {} goes to the dead-letter topic {}: {}", out.eventId(), deadLetterTopic, reason);
        return new Outgoing(new ProducerRecord<>(deadLetterTopic, null, out.record().key(), out.record().value(), headers), null);
    }

    private void renewProducers() {
        if (closed) {
            return;
        }
        events = renew(events, false);
        if (deadLetters != null) {
            deadLetters = renew(deadLetters, true);
        }
    }

    private Producer<byte[], byte[]> renew(Producer<byte[], byte[]> old, boolean deadLetter) {
        closeFailed(old);
        return producers.create(deadLetter);
    }

    /** Whether the last batch was acknowledged without resends. */
    @Override
    public boolean healthy() {
        return healthy;
    }

    /** The last send error, or null. */
    @Override
    public String lastError() {
        return lastError;
    }

    /** What keeps the relay from advancing, or null. */
    @Override
    public Blockage blockage() {
        return blockages.current();
    }

    /**
     * Flushes and closes both producers, waiting at most {@code timeout} in all.
     *
     * @return true when every record handed to a producer was acknowledged or failed before the
     *     deadline; false when the producers were closed with records still unsent
     */
    @Override
    public boolean close(Duration timeout) {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean clean = closeOne(events, deadline);
        if (deadLetters != null) {
            clean &= closeOne(deadLetters, deadline);
        }
        return clean;
    }

    /** Closes a producer being replaced or given up; what it still held is sent again by its successor. */
    static void closeFailed(Producer<byte[], byte[]> producer) {
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debug("closing a failed producer", e);
        }
    }

    static boolean closeOne(Producer<byte[], byte[]> producer, long deadline) {
        long left = Math.max(0, deadline - System.nanoTime());
        long started = System.nanoTime();
        producer.close(Duration.ofNanos(left));
        // close(timeout) gives up on unsent records when the time runs out; taking all of it means it did.
        return System.nanoTime() - started < left;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
