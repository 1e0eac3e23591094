package io.onceonly.connector.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.onceonly.connector.routing.OutboxRouter;
import io.onceonly.connector.routing.Routed;

/**
 * The Debezium batch handler: routes each change event, sends the batch, and marks the events
 * processed only after Kafka acknowledged all of them and every earlier batch. Debezium saves (and
 * confirms to the replication slot) only positions marked processed, so a crash can resend but
 * never lose. At-least-once, up to {@code maxInFlightBatches} batches may await their
 * acknowledgements while the engine reads the next ({@link InFlightBatches}). The
 * exactly-once relay ({@link #exactlyOnce}) writes the batch and its position in one Kafka
 * transaction, so a crash resends nothing that was committed either.
 */
public final class Relay implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    private final OutboxRouter router;
    private final BatchSender sender;
    // Null: stop-and-wait, each batch acknowledged before handleBatch returns (and always so exactly-once).
    private final InFlightBatches inFlight;
    private final RelayMetrics metrics;
    private final RelayTracing tracing;
    private volatile boolean read;
    private volatile long reads;
    // Moved by the engine's thread and, with a window, by the window's thread too.
    private final AtomicLong finished = new AtomicLong();
    private volatile RelayFencedException fenced;
    private volatile int unacknowledged;

    /** Makes the relay's idempotent producers. */
    @FunctionalInterface
    public interface ProducerFactory {
        /**
         * @param deadLetter true for the dead-letter producer (larger size limit), false for events
         */
        Producer<byte[], byte[]> create(boolean deadLetter);
    }

    /**
     * @param producers makes the idempotent producers; called again when one fails for good
     */
    public Relay(OutboxRouter router, ProducerFactory producers, RelayMetrics metrics, long maxBackoffMs, String deadLetterTopic) {
        this(router, producers, metrics, maxBackoffMs, deadLetterTopic, RelayTracing.NONE);
    }

    /**
     * @param producers makes the idempotent producers; called again when one fails for good
     * @param tracing the spans of relayed records
     */
    public Relay(OutboxRouter router, ProducerFactory producers, RelayMetrics metrics, long maxBackoffMs, String deadLetterTopic,
                 RelayTracing tracing) {
        this(router, producers, metrics, maxBackoffMs, deadLetterTopic, tracing, 1);
    }

    /**
     * @param producers makes the idempotent producers; called again when one fails for good
     * @param tracing the spans of relayed records
     * @param maxInFlightBatches the most Debezium batches handed to Kafka and not yet acknowledged: 1 waits for each
     *     batch's acknowledgements before the next is read; more lets the engine read the next batch meanwhile (see
     *     {@link InFlightBatches})
     */
    public Relay(OutboxRouter router, ProducerFactory producers, RelayMetrics metrics, long maxBackoffMs, String deadLetterTopic,
                 RelayTracing tracing, int maxInFlightBatches) {
        this(router, new AcknowledgedSender(producers, metrics, maxBackoffMs, deadLetterTopic), metrics, tracing, maxInFlightBatches);
    }

    Relay(OutboxRouter router, BatchSender sender, RelayMetrics metrics, RelayTracing tracing, int maxInFlightBatches) {
        if (maxInFlightBatches < 1) {
            throw new IllegalArgumentException("maxInFlightBatches must be at least 1, not " + maxInFlightBatches);
        }
        this.router = router;
        this.sender = sender;
        this.metrics = metrics;
        this.tracing = tracing;
        this.inFlight = maxInFlightBatches == 1 ? null
                : new InFlightBatches((AcknowledgedSender) sender, maxInFlightBatches, finished::incrementAndGet);
    }

    /**
     * The exactly-once relay: each batch and its source position go to Kafka in one transaction.
     * Starts the first producer's transactions at once, which fences an older instance with the
     * same transactional.id and settles what it left open: call it before the engine reads the
     * saved position.
     *
     * @param producers makes transactional producers (transactional.id set, transactions not yet initialised); called
     *     again when one fails for good
     * @param transactionalId the producers' transactional.id, for the messages
     * @param offsetTopic the topic of saved positions
     * @param engineName the Debezium engine's name: the namespace of the position's key
     * @param maxEventBytes the largest event sent to its own topic; a larger one goes whole to the dead-letter topic
     * @param tracing the spans of relayed records
     * @throws IllegalStateException when the producer cannot start its transactions
     */
    public static Relay exactlyOnce(OutboxRouter router, Supplier<Producer<byte[], byte[]>> producers, RelayMetrics metrics,
                                    long maxBackoffMs, String deadLetterTopic, String transactionalId, String offsetTopic,
                                    String engineName, int maxEventBytes, RelayTracing tracing) {
        TransactionalSender.Transactions transactions = new TransactionalSender.Transactions(transactionalId, offsetTopic, engineName,
                maxEventBytes);
        return new Relay(router, new TransactionalSender(producers, metrics, maxBackoffMs, deadLetterTopic, transactions,
                System::currentTimeMillis), metrics, tracing, 1);
    }

    /** Whether a batch of changes (events or heartbeats) was ever read from the slot. */
    public boolean hasRead() {
        return read;
    }

    /**
     * A count that moves whenever a batch (events or heartbeats) starts or finishes: while it stands
     * still, this relay neither reads nor completes anything whose position it could confirm.
     */
    public long activity() {
        return reads + finished.get();
    }

    /** What keeps the relay from advancing, or null. */
    public Blockage blockage() {
        return sender.blockage();
    }

    /** Whether the last batch was acknowledged without resends. */
    public boolean producerHealthy() {
        return sender.healthy();
    }

    /** The last send error, or null. */
    public String lastSendError() {
        return sender.lastError();
    }

    /**
     * Flushes and closes the producers, within {@code timeout}; call after the engine stopped.
     *
     * @return null when everything handed to Kafka was acknowledged, else what was not (those
     *     records were not confirmed to the slot and are read again after the restart)
     */
    public String close(Duration timeout) {
        boolean flushed = sender.close(timeout);
        if (inFlight != null) {
            inFlight.close();
        }
        if (fenced != null) {
            return fenced.getMessage();
        }
        int open = unacknowledged;
        if (open > 0) {
            return "the last batch (" + open + " records) was not wholly acknowledged by Kafka before the stop ("
                    + sender.lastError() + "); its position was not confirmed, so it is relayed again after the restart";
        }
        if (inFlight != null && inFlight.unacknowledged() > 0) {
            return "the last " + inFlight.batches() + " batches (" + inFlight.unacknowledged() + " records) were not marked"
                    + " acknowledged before the stop (" + (sender.lastError() == null ? "their acknowledgements came too late"
                    : sender.lastError()) + "); their positions were not confirmed, so they are relayed again after the restart";
        }
        return flushed ? null : "the producers could not flush within " + timeout.toSeconds() + " s";
    }

    /**
     * Before the engine stops: waits at most {@code bound} for the acknowledgements of batches still
     * in flight and marks them processed, so that the engine's stop saves their position; what is
     * not acknowledged by then stays unmarked and is relayed again after the restart. Does nothing
     * for the stop-and-wait relay, whose batches are marked before handleBatch returns.
     */
    public void stopping(Duration bound) {
        if (inFlight != null) {
            inFlight.stopping(bound);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        read = true;
        reads++;
        try {
            relay(batch, committer);
        } finally {
            // A batch that waited long for Kafka is confirmed to the slot after it ends, not after it began.
            finished.incrementAndGet();
        }
    }

    private void relay(List<RecordChangeEvent<SourceRecord>> batch,
                       DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        if (batch.isEmpty() && inFlight == null) {
            committer.markBatchFinished();
            return;
        }
        List<AcknowledgedSender.Outgoing> outgoing = new ArrayList<>(batch.size());
        for (RecordChangeEvent<SourceRecord> event : batch) {
            Routed routed = router.route(event.record());
            if (routed instanceof Routed.Relay relay) {
                outgoing.add(new AcknowledgedSender.Outgoing(relay.record(), relay.createdAt()));
            } else if (routed instanceof Routed.DeadLetter dead) {
                LOG.warn("outbox row goes to the dead-letter topic {}: {}", dead.record().topic(), dead.reason());
                outgoing.add(new AcknowledgedSender.Outgoing(dead.record(), null));
            } else {
                metrics.skipped();
            }
        }
        // Tracing off is the common case and this the hot path: no list of the batch's records is made for it.
        RelayTracing.BatchSpans spans = tracing == RelayTracing.NONE ? RelayTracing.BatchSpans.NONE
                : tracing.started(outgoing.stream().map(AcknowledgedSender.Outgoing::record).toList());
        if (inFlight != null) {
            // Marked processed in order once acknowledged, by this thread or the window's (the committer is theirs now).
            inFlight.relay(batch, outgoing, spans, committer);
            return;
        }
        unacknowledged = outgoing.size();
        try {
            sender.send(outgoing, batch.get(batch.size() - 1).record());
        } catch (RelayFencedException e) {
            fenced = e;
            spans.failed(e);
            throw e;
        } catch (InterruptedException | RuntimeException e) {
            spans.failed(e);
            throw e;
        }
        spans.acknowledged();
        unacknowledged = 0;
        for (RecordChangeEvent<SourceRecord> event : batch) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
    }
}
