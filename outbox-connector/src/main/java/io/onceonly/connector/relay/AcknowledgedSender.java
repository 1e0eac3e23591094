package io.onceonly.connector.relay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.contracts.wire.OnceHeaders;

/**
 * Sends a batch and returns only when Kafka acknowledged every record of it. A record that is not
 * acknowledged is sent again, in the batch's order, with a growing pause; it is never skipped.
 *
 * <p>Order: the idempotent producer fails every later in-flight batch of a partition once one
 * fails, so the failures of a partition are a suffix of its records, and resending them in order
 * keeps per-aggregate order. A record Kafka refuses for good (too large) becomes a dead letter
 * instead, so that one bad row cannot stop the relay.
 */
final class AcknowledgedSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AcknowledgedSender.class);

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final RelayMetrics metrics;
    private final long maxBackoffMs;
    private final String deadLetterTopic;
    private Producer<byte[], byte[]> producer;
    private volatile boolean healthy = true;
    private volatile String lastError;

    AcknowledgedSender(Supplier<Producer<byte[], byte[]>> producers, RelayMetrics metrics, long maxBackoffMs, String deadLetterTopic) {
        this.producers = producers;
        this.metrics = metrics;
        this.maxBackoffMs = maxBackoffMs;
        this.deadLetterTopic = deadLetterTopic;
        this.producer = producers.get();
    }

    /** One record to send; {@code createdAt} is null for dead letters. */
    record Outgoing(ProducerRecord<byte[], byte[]> record, Instant createdAt) {
    }

    /**
     * Sends all and waits for every acknowledgement.
     *
     * @throws InterruptedException when the relay is stopping; unacknowledged records are then not
     *     marked processed and are read again after the restart
     */
    void sendAll(List<Outgoing> batch) throws InterruptedException {
        List<Outgoing> pending = batch;
        long backoff = 100;
        while (!pending.isEmpty()) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(pending.size());
            for (Outgoing out : pending) {
                acks.add(send(out.record()));
            }
            List<Outgoing> failed = new ArrayList<>();
            Throwable firstError = null;
            for (int i = 0; i < pending.size(); i++) {
                Outgoing out = pending.get(i);
                try {
                    acks.get(i).get();
                    if (out.createdAt() != null) {
                        metrics.relayed(out.createdAt(), System.currentTimeMillis());
                    } else {
                        metrics.deadLettered();
                    }
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RecordTooLargeException && out.createdAt() != null) {
                        failed.add(tooLarge(out, cause));
                        continue;
                    }
                    failed.add(out);
                    if (firstError == null) {
                        firstError = cause;
                    }
                }
            }
            if (!failed.isEmpty() && firstError != null) {
                healthy = false;
                lastError = firstError.toString();
                metrics.retried(failed.size());
                LOG.warn("{} of {} records not acknowledged by Kafka ({}); sending them again in order in {} ms",
                        failed.size(), pending.size(), firstError.toString(), backoff);
                if (!(firstError instanceof RetriableException)) {
                    renewProducer();
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, maxBackoffMs);
            } else if (failed.isEmpty()) {
                healthy = true;
            }
            pending = failed;
        }
    }

    private Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        try {
            return producer.send(record);
        } catch (RuntimeException e) {
            // send() itself throws when the producer is closed or fenced, or the buffer stays full.
            java.util.concurrent.CompletableFuture<RecordMetadata> failed = new java.util.concurrent.CompletableFuture<>();
            failed.completeExceptionally(e);
            return failed;
        }
    }

    private Outgoing tooLarge(Outgoing out, Throwable cause) {
        String reason = "Kafka refused the record as too large (" + cause.getMessage() + "); raise the topic's"
                + " max.message.bytes and the producer's max.request.size, then replay it from the row";
        RecordHeaders headers = new RecordHeaders(out.record().headers().toArray());
        headers.add(OnceHeaders.ERROR, OnceHeaders.text(reason));
        LOG.warn("event on {} goes to the dead-letter topic {}: {}", out.record().topic(), deadLetterTopic, reason);
        // The value is what was too large: the dead letter keeps key and headers, and the row stays in the WAL history.
        return new Outgoing(new ProducerRecord<>(deadLetterTopic, null, out.record().key(), null, headers), null);
    }

    private void renewProducer() {
        try {
            producer.close(java.time.Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debug("closing a failed producer", e);
        }
        producer = producers.get();
    }

    /** Whether the last batch was acknowledged without resends. */
    boolean healthy() {
        return healthy;
    }

    /** The last send error, or null. */
    String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        producer.flush();
        producer.close();
    }
}
