package io.onceonly.dedup.topology;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The dedup app's meters; Prometheus names get the {@code once_dedup_} prefix. Shared by all tasks. */
public final class DedupMetrics {

    private final Counter in;
    private final Counter forwarded;
    private final Counter duplicates;
    private final Counter deadLettered;
    private final Counter unproducible;
    private final Counter unguarded;
    private final Timer lag;

    public DedupMetrics(MeterRegistry registry) {
        this.in = Counter.builder("once.dedup.records.in").description("Records read from the input topics").register(registry);
        this.forwarded = Counter.builder("once.dedup.records.forwarded").description("First occurrences forwarded").register(registry);
        this.duplicates = Counter.builder("once.dedup.records.duplicates").description("Duplicates dropped").register(registry);
        this.deadLettered = Counter.builder("once.dedup.records.dead.lettered")
                .description("Records without a usable biz-id, sent to the dead-letter topic").register(registry);
        this.unproducible = Counter.builder("once.dedup.records.unproducible")
                .description("Records their destination refused (too large, illegal or refused topic), sent to the dead-letter topic instead")
                .register(registry);
        this.unguarded = Counter.builder("once.dedup.records.unguarded")
                .description("Records older than stream time minus retention.ms: forwarded, but not remembered, so a copy would pass too")
                .register(registry);
        this.lag = Timer.builder("once.dedup.created.to.forward")
                .description("From the outbox row's created_at (once-created-at) to the forward")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    void in() {
        in.increment();
    }

    void forwarded(long createdAtMillis, long nowMillis) {
        forwarded.increment();
        if (createdAtMillis > 0) {
            lag.record(Math.max(0, nowMillis - createdAtMillis), TimeUnit.MILLISECONDS);
        }
    }

    void duplicate() {
        duplicates.increment();
    }

    /** A record written to the dead-letter topic; public for the production exception handler. */
    public void deadLettered() {
        deadLettered.increment();
    }

    /** A record its destination refused; public for the production exception handler. */
    public void unproducible() {
        unproducible.increment();
    }

    void unguarded() {
        unguarded.increment();
    }

    public long unproducibleCount() {
        return (long) unproducible.count();
    }

    public long unguardedCount() {
        return (long) unguarded.count();
    }

    public long forwardedCount() {
        return (long) forwarded.count();
    }

    public long duplicateCount() {
        return (long) duplicates.count();
    }

    public long deadLetteredCount() {
        return (long) deadLettered.count();
    }

    public long inCount() {
        return (long) in.count();
    }
}
