package io.onceonly.connector.relay;

import java.util.ArrayList;
import java.util.List;
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
 * processed only after Kafka acknowledged all of them. Debezium saves (and confirms to the
 * replication slot) only positions marked processed, so a crash can resend but never lose.
 */
public final class Relay implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    private final OutboxRouter router;
    private final AcknowledgedSender sender;
    private final RelayMetrics metrics;

    /**
     * @param producers makes an idempotent producer; called again when one fails for good
     */
    public Relay(OutboxRouter router, Supplier<Producer<byte[], byte[]>> producers, RelayMetrics metrics,
                 long maxBackoffMs, String deadLetterTopic) {
        this.router = router;
        this.sender = new AcknowledgedSender(producers, metrics, maxBackoffMs, deadLetterTopic);
        this.metrics = metrics;
    }

    /** Whether the last batch was acknowledged without resends. */
    public boolean producerHealthy() {
        return sender.healthy();
    }

    /** The last send error, or null. */
    public String lastSendError() {
        return sender.lastError();
    }

    /** Flushes and closes the producer; call after the engine stopped. */
    @Override
    public void close() {
        sender.close();
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
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
        sender.sendAll(outgoing);
        for (RecordChangeEvent<SourceRecord> event : batch) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
    }
}
