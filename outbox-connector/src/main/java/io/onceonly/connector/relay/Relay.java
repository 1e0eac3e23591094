package io.onceonly.connector.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
 * processed only after Kafka acknowledged all of them. Debezium saves (and confirms to the
 * replication slot) only positions marked processed, so a crash can resend but never lose.
 */
public final class Relay implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    private final OutboxRouter router;
    private final AcknowledgedSender sender;
    private final RelayMetrics metrics;
    private volatile boolean read;
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
        this.router = router;
        this.sender = new AcknowledgedSender(producers, metrics, maxBackoffMs, deadLetterTopic);
        this.metrics = metrics;
    }

    /** Whether a batch of changes (events or heartbeats) was ever read from the slot. */
    public boolean hasRead() {
        return read;
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
        int open = unacknowledged;
        if (open > 0) {
            return "the last batch (" + open + " records) was not wholly acknowledged by Kafka before the stop ("
                    + sender.lastError() + "); its position was not confirmed, so it is relayed again after the restart";
        }
        return flushed ? null : "the producers could not flush within " + timeout.toSeconds() + " s";
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        read = true;
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
        unacknowledged = outgoing.size();
        sender.sendAll(outgoing);
        unacknowledged = 0;
        for (RecordChangeEvent<SourceRecord> event : batch) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
    }
}
