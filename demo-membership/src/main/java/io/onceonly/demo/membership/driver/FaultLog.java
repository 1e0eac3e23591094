package io.onceonly.demo.membership.driver;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** How often each enabled fault fired, and when it first did: the report shows that each really happened. */
public final class FaultLog {

    private final Set<Fault> enabled;
    private volatile long startNanos;
    private final Map<Fault, AtomicLong> counts = new EnumMap<>(Fault.class);
    private final Map<Fault, Long> firstAtMillis = new EnumMap<>(Fault.class);
    private final Map<Fault, String> notes = new EnumMap<>(Fault.class);

    public FaultLog(Set<Fault> enabled) {
        // In declaration order, so that reports list them alike from run to run.
        EnumSet<Fault> ordered = EnumSet.noneOf(Fault.class);
        ordered.addAll(enabled);
        this.enabled = Collections.unmodifiableSet(ordered);
        this.startNanos = System.nanoTime();
        for (Fault f : Fault.values()) {
            counts.put(f, new AtomicLong());
        }
    }

    /** Times of firing count from {@code nanos} ({@link System#nanoTime()}) on. */
    public void startClock(long nanos) {
        this.startNanos = nanos;
    }

    /** Whether {@code fault} was asked for. */
    public boolean enabled(Fault fault) {
        return enabled.contains(fault);
    }

    /** The faults asked for. */
    public Set<Fault> enabled() {
        return enabled;
    }

    /** Counts {@code times} firings of {@code fault}. */
    public void fired(Fault fault, long times) {
        counts.get(fault).addAndGet(times);
        synchronized (firstAtMillis) {
            firstAtMillis.putIfAbsent(fault, (System.nanoTime() - startNanos) / 1_000_000);
        }
    }

    /** Adds what a firing did, for the report (for example how many records a crash left in flight). */
    public void note(Fault fault, String note) {
        synchronized (notes) {
            notes.merge(fault, note, (a, b) -> a + "; " + b);
        }
    }

    public long count(Fault fault) {
        return counts.get(fault).get();
    }

    /** Milliseconds since the start when it first fired, or -1. */
    public long firstAtMillis(Fault fault) {
        synchronized (firstAtMillis) {
            return firstAtMillis.getOrDefault(fault, -1L);
        }
    }

    public String note(Fault fault) {
        synchronized (notes) {
            return notes.getOrDefault(fault, "");
        }
    }

    /** Enabled faults that fired at least once. */
    public long firedKinds() {
        return enabled.stream().filter(f -> count(f) > 0).count();
    }
}
