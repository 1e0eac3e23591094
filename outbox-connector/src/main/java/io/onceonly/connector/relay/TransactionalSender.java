package io.onceonly.connector.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.offsets.SourcePosition;
import io.onceonly.contracts.wire.RecordSize;

/**
 * The exactly-once sender: one transactional producer writes a batch's records (events and dead
 * letters) and the batch's source position to the offsets topic in one Kafka transaction, so the
 * records and the position that says they were sent commit together or not at all.
 *
 * <p>A failed attempt is aborted (or, when the abort fails too, the producer is replaced: a new one
 * with the same transactional.id aborts what the old one left open) and the whole batch is sent
 * again in a new transaction after a growing pause. An event too large for its topic goes whole to
 * the dead-letter topic in the batch's transaction: over the event size limit it is diverted before
 * the send (the one producer's max.request.size is the dead-letter limit); refused by its topic, it
 * is diverted in the next attempt. A fenced producer means another instance took over: that stops
 * the relay, never retried.
 *
 * <p>A commit that timed out is retried on the same producer, never resent in a new transaction:
 * its outcome is unknown, and only the producer that started it may finish it. At a stop in that
 * state nothing is marked processed; the next start learns the truth from the offsets topic, after
 * its own producer settled the open transaction.
 */
final class TransactionalSender implements BatchSender {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalSender.class);

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final RelayMetrics metrics;
    private final long maxBackoffMs;
    private final String deadLetterTopic;
    private final Transactions transactions;
    private final LongSupplier clock;
    private volatile Producer<byte[], byte[]> producer;
    private volatile boolean closed;
    private volatile boolean healthy = true;
    private volatile String lastError;
    private final BlockageLog blockages;

    /**
     * What the exactly-once relay writes besides the records.
     *
     * @param transactionalId the producer's transactional.id
     * @param offsetTopic the topic of saved positions
     * @param engineName the Debezium engine's name (the namespace of the position's key)
     * @param maxEventBytes the largest event sent to its own topic; larger ones are dead letters
     */
    record Transactions(String transactionalId, String offsetTopic, String engineName, int maxEventBytes) {
    }

    /**
     * Makes the first producer and initialises its transactions, before the engine reads the saved
     * position: that fences an older instance with the same transactional.id and settles the
     * transaction it left open, so the position read next is final.
     *
     * @param producers makes transactional producers (not yet initialised)
     * @throws IllegalStateException when the producer cannot start its transactions
     */
    TransactionalSender(Supplier<Producer<byte[], byte[]>> producers, RelayMetrics metrics, long maxBackoffMs, String deadLetterTopic,
                        Transactions transactions, LongSupplier clock) {
        this.producers = producers;
        this.metrics = metrics;
        this.maxBackoffMs = maxBackoffMs;
        this.deadLetterTopic = deadLetterTopic;
        this.transactions = transactions;
        this.clock = clock;
        this.blockages = new BlockageLog(clock, maxBackoffMs);
        try {
            this.producer = initialised();
        } catch (RuntimeException e) {
            throw new IllegalStateException("delivery.guarantee=exactly-once: the transactional producer " + transactions.transactionalId()
                    + " could not start its transactions (" + e + "); is Kafka reachable, and may the connector's principal WRITE"
                    + " and DESCRIBE that transactional id?", e);
        }
    }

    @Override
    public void send(List<AcknowledgedSender.Outgoing> batch, SourceRecord last) throws InterruptedException {
        SourcePosition position = new SourcePosition(transactions.engineName(), last.sourcePartition(), last.sourceOffset());
        ProducerRecord<byte[], byte[]> positionRecord = new ProducerRecord<>(transactions.offsetTopic(), position.key(), position.value());
        List<AcknowledgedSender.Outgoing> pending = new ArrayList<>(batch.size());
        for (AcknowledgedSender.Outgoing out : batch) {
            pending.add(tooLargeForItsTopic(out) ? AcknowledgedSender.divert(out, new RecordTooLargeException("the record is about "
                    + size(out) + " bytes, over the event limit of " + transactions.maxEventBytes() + " bytes"), deadLetterTopic) : out);
        }
        long backoff = 100;
        while (true) {
            Attempt attempt = attempt(pending, positionRecord);
            pending = attempt.next;
            if (attempt.onlyDiverted) {
                // Refused for good on their topics; the dead letters go in the next transaction, without a pause.
                continue;
            }
            if (attempt.error == null) {
                committed(pending);
                return;
            }
            healthy = false;
            lastError = attempt.error.toString();
            metrics.retried(pending.size());
            report(attempt.blocked, pending.size(), attempt.error, backoff);
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, maxBackoffMs);
        }
    }

    /** One transaction: the records, then the position; committed, or aborted with what to send next. */
    private Attempt attempt(List<AcknowledgedSender.Outgoing> pending, ProducerRecord<byte[], byte[]> positionRecord)
            throws InterruptedException {
        boolean begun = false;
        List<Future<RecordMetadata>> acks = new ArrayList<>(pending.size());
        try {
            Producer<byte[], byte[]> p = producer();
            p.beginTransaction();
            begun = true;
            Future<RecordMetadata> positionAck = null;
            for (AcknowledgedSender.Outgoing out : pending) {
                Future<RecordMetadata> ack = send(p, out.record());
                acks.add(ack);
                if (ack.isDone() && failure(ack) != null) {
                    // The transaction is lost already: the rest would only fail with it.
                    break;
                }
            }
            if (acks.size() == pending.size()) {
                positionAck = send(p, positionRecord);
            }
            p.flush();
            Attempt failed = recordFailures(pending, acks, positionAck);
            if (failed != null) {
                abort(begun);
                return failed;
            }
            commit(p);
            return new Attempt(null, null, pending, false);
        } catch (InterruptException e) {
            throw stopping(e);
        } catch (RuntimeException e) {
            if (closed) {
                throw stopping(e);
            }
            if (isFenced(e)) {
                throw fenced(e);
            }
            abort(begun);
            return new Attempt(e, blockage(e), pending, false);
        }
    }

    // Which record was refused and why; the records after it fail only because the transaction did.
    private Attempt recordFailures(List<AcknowledgedSender.Outgoing> pending, List<Future<RecordMetadata>> acks,
                                   Future<RecordMetadata> positionAck) throws InterruptedException {
        List<AcknowledgedSender.Outgoing> next = new ArrayList<>(pending);
        Throwable root = null;
        Throwable collateral = null;
        Blockage blocked = null;
        int diverted = 0;
        for (int i = 0; i < acks.size(); i++) {
            Throwable cause = failure(acks.get(i));
            if (cause == null) {
                continue;
            }
            if (isFenced(cause)) {
                throw fenced(cause);
            }
            AcknowledgedSender.Outgoing out = pending.get(i);
            if (!out.isDeadLetter() && (cause instanceof RecordTooLargeException || cause instanceof InvalidTopicException)) {
                next.set(i, AcknowledgedSender.divert(out, cause, deadLetterTopic));
                diverted++;
            } else if (cause instanceof TransactionAbortedException || cause.getClass() == KafkaException.class) {
                collateral = collateral == null ? cause : collateral;
            } else if (root == null) {
                root = cause;
                blocked = blockage(cause);
                if (blocked == null) {
                    blocked = AcknowledgedSender.blockage(out, cause);
                }
            }
        }
        Throwable positionFailure = positionAck == null ? null : failure(positionAck);
        if (positionFailure != null) {
            if (isFenced(positionFailure)) {
                throw fenced(positionFailure);
            }
            if (positionFailure instanceof TransactionAbortedException || positionFailure.getClass() == KafkaException.class) {
                collateral = collateral == null ? positionFailure : collateral;
            } else if (root == null) {
                root = positionFailure;
                blocked = blockage(positionFailure);
            }
        }
        if (root == null && diverted == 0 && collateral == null) {
            return null;
        }
        return new Attempt(root != null ? root : collateral, blocked, next, root == null && diverted > 0);
    }

    // Only the producer that started a commit may finish it: a new one would settle it either way, and a resend could double it.
    private void commit(Producer<byte[], byte[]> p) throws InterruptedException {
        long backoff = 100;
        while (true) {
            try {
                p.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (closed) {
                    throw stopping(e);
                }
                healthy = false;
                lastError = e.toString();
                LOG.warn("the commit of a transaction of {} did not finish in time ({}); finishing it again in {} ms",
                        transactions.transactionalId(), e.getMessage(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, maxBackoffMs);
            }
        }
    }

    private void abort(boolean begun) throws InterruptedException {
        Producer<byte[], byte[]> p = producer;
        if (p == null) {
            return;
        }
        if (begun) {
            try {
                p.abortTransaction();
                metrics.transactionAborted();
                return;
            } catch (InterruptException e) {
                throw stopping(e);
            } catch (RuntimeException e) {
                if (isFenced(e)) {
                    throw fenced(e);
                }
                LOG.debug("aborting failed, replacing the producer", e);
                metrics.transactionAborted();
            }
        }
        // A new producer with the same transactional.id aborts whatever this one left open.
        producer = null;
        AcknowledgedSender.closeFailed(p);
    }

    private void committed(List<AcknowledgedSender.Outgoing> sent) {
        long now = clock.getAsLong();
        for (AcknowledgedSender.Outgoing out : sent) {
            if (out.isDeadLetter()) {
                metrics.deadLettered();
            } else {
                metrics.relayed(out.createdAt(), now);
            }
        }
        metrics.transactionCommitted();
        healthy = true;
        blockages.advanced();
    }

    private Producer<byte[], byte[]> producer() throws InterruptedException {
        if (closed) {
            throw new InterruptedException("the connector is stopping: the batch is not marked processed");
        }
        if (producer == null) {
            producer = initialised();
        }
        return producer;
    }

    private Producer<byte[], byte[]> initialised() {
        Producer<byte[], byte[]> p = producers.get();
        try {
            p.initTransactions();
            return p;
        } catch (RuntimeException e) {
            AcknowledgedSender.closeFailed(p);
            throw e;
        }
    }

    private static Future<RecordMetadata> send(Producer<byte[], byte[]> p, ProducerRecord<byte[], byte[]> record) {
        try {
            return p.send(record);
        } catch (InterruptException e) {
            throw e;
        } catch (RuntimeException e) {
            // send() itself throws when the producer is closed, fenced or in an error state, or its buffer stays full.
            return CompletableFuture.failedFuture(e);
        }
    }

    // An interruption is the stop, not Kafka's answer.
    private static Throwable failure(Future<RecordMetadata> ack) throws InterruptedException {
        try {
            ack.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private boolean tooLargeForItsTopic(AcknowledgedSender.Outgoing out) {
        return !out.isDeadLetter() && size(out) > transactions.maxEventBytes();
    }

    private static int size(AcknowledgedSender.Outgoing out) {
        return RecordSize.upperBound(out.record().key(), out.record().value(), out.record().headers());
    }

    private Blockage blockage(Throwable error) {
        if (error instanceof TransactionalIdAuthorizationException) {
            String id = transactions.transactionalId();
            return new Blockage(null, transactions.offsetTopic(), error.toString(), "grant the connector's Kafka principal WRITE and"
                    + " DESCRIBE on transactional id " + id + " (kafka-acls --add --allow-principal <principal> --operation Write"
                    + " --operation Describe --transactional-id " + id + "), or set delivery.guarantee=at-least-once");
        }
        return null;
    }

    static boolean isFenced(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    private RelayFencedException fenced(Throwable cause) {
        Producer<byte[], byte[]> p = producer;
        producer = null;
        if (p != null) {
            AcknowledgedSender.closeFailed(p);
        }
        RelayFencedException fenced = new RelayFencedException(transactions.transactionalId(), cause);
        lastError = fenced.getMessage();
        healthy = false;
        return fenced;
    }

    private static InterruptedException stopping(Exception cause) {
        InterruptedException stop = new InterruptedException("the connector is stopping: the batch is not marked processed");
        stop.initCause(cause);
        return stop;
    }

    private void report(Blockage blocked, int records, Throwable error, long backoff) {
        if (blocked == null) {
            LOG.warn("a transaction of {} records was not committed ({}); sending them again in a new transaction in {} ms",
                    records, error.toString(), backoff);
            return;
        }
        blockages.blocked(blocked, "Nothing after it is committed");
    }


    @Override
    public Blockage blockage() {
        return blockages.current();
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    @Override
    public String lastError() {
        return lastError;
    }

    @Override
    public boolean close(Duration timeout) {
        closed = true;
        Producer<byte[], byte[]> p = producer;
        return p == null || AcknowledgedSender.closeOne(p, System.nanoTime() + timeout.toNanos());
    }

    /**
     * The outcome of one transaction.
     *
     * @param error why it was not committed, or null
     * @param next the records of the next attempt (refused events replaced by their dead letters)
     * @param onlyDiverted whether the only refusals were events their topics refuse for good, now dead letters
     */
    private record Attempt(Throwable error, Blockage blocked, List<AcknowledgedSender.Outgoing> next, boolean onlyDiverted) {
    }
}
