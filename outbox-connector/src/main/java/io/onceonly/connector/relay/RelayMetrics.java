package io.onceonly.connector.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The relay's meters; Prometheus names get the {@code once_connector_} prefix. */
public final class RelayMetrics {

    private final Counter relayed;
    private final Counter deadLettered;
    private final Counter sendRetries;
    private final Counter skipped;
    private final Counter transactionsCommitted;
    private final Counter transactionsAborted;
    private final Timer commitToAck;
    private final AtomicLong lastRelayedMillis = new AtomicLong();

    public RelayMetrics(MeterRegistry registry) {
        this.relayed = Counter.builder("once.connector.events.relayed")
                .description("Outbox events acknowledged by Kafka on their topic").register(registry);
        this.deadLettered = Counter.builder("once.connector.events.dead.lettered")
                .description("Outbox rows that could not be routed and went to the dead-letter topic").register(registry);
        this.sendRetries = Counter.builder("once.connector.send.retries")
                .description("Records sent again because Kafka did not acknowledge them").register(registry);
        this.skipped = Counter.builder("once.connector.changes.skipped")
                .description("Change events that are not outbox inserts (heartbeats, updates, deletes)").register(registry);
        this.transactionsCommitted = Counter.builder("once.connector.transactions.committed")
                .description("Kafka transactions committed, each one batch and its position (delivery.guarantee=exactly-once)")
                .register(registry);
        this.transactionsAborted = Counter.builder("once.connector.transactions.aborted")
                .description("Kafka transactions aborted; their batch is sent again in a new one (delivery.guarantee=exactly-once)")
                .register(registry);
        this.commitToAck = Timer.builder("once.connector.commit.to.ack")
                .description("From the row's created_at to Kafka's acknowledgement")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        Gauge.builder("once.connector.last.relayed.timestamp.seconds", lastRelayedMillis, v -> v.get() / 1000.0)
                .description("When the last event was acknowledged (epoch seconds)").register(registry);
    }

    void relayed(Instant createdAt, long ackMillis) {
        relayed.increment();
        commitToAck.record(Math.max(0, ackMillis - createdAt.toEpochMilli()), TimeUnit.MILLISECONDS);
        lastRelayedMillis.set(ackMillis);
    }

    void deadLettered() {
        deadLettered.increment();
    }

    void retried(int records) {
        sendRetries.increment(records);
    }

    void transactionCommitted() {
        transactionsCommitted.increment();
    }

    void transactionAborted() {
        transactionsAborted.increment();
    }

    void skipped() {
        skipped.increment();
    }

    /** Events relayed so far. */
    public long relayedCount() {
        return (long) relayed.count();
    }

    /** Rows dead-lettered so far. */
    public long deadLetteredCount() {
        return (long) deadLettered.count();
    }

    /** Records resent so far. */
    public long retryCount() {
        return (long) sendRetries.count();
    }

    /** Kafka transactions committed so far (exactly-once). */
    public long transactionsCommittedCount() {
        return (long) transactionsCommitted.count();
    }

    /** Kafka transactions aborted so far (exactly-once). */
    public long transactionsAbortedCount() {
        return (long) transactionsAborted.count();
    }

    /** When the last event was acknowledged, if any was. */
    public Instant lastRelayedAt() {
        long millis = lastRelayedMillis.get();
        return millis == 0 ? null : Instant.ofEpochMilli(millis);
    }
}
