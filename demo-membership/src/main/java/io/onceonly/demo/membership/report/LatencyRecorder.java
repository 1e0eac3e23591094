package io.onceonly.demo.membership.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Latency from a payment's commit to its card's commit, both read from this JVM's monotonic clock.
 * Either end may be recorded first (a card can commit before the buyer's thread got to note its
 * payment), so the first end waits for the second. One lock: a few thousand calls a second.
 */
public final class LatencyRecorder {

    private long startNanos = System.nanoTime();
    private final Map<UUID, Long> paymentCommits = new HashMap<>();
    private final Map<UUID, Long> cardCommits = new HashMap<>();
    private final List<long[]> samples = new ArrayList<>();

    /** Sample times count from {@code nanos} ({@link System#nanoTime()}) on. */
    public synchronized void startClock(long nanos) {
        this.startNanos = nanos;
    }

    /** The payment's transaction committed now. */
    public synchronized void paymentCommitted(UUID paymentId) {
        long now = System.nanoTime();
        Long card = cardCommits.remove(paymentId);
        if (card == null) {
            paymentCommits.put(paymentId, now);
        } else {
            add(now, card);
        }
    }

    /** The cards of these payments committed now. */
    public synchronized void cardsCommitted(List<UUID> paymentIds) {
        long now = System.nanoTime();
        for (UUID id : paymentIds) {
            Long payment = paymentCommits.remove(id);
            if (payment == null) {
                cardCommits.put(id, now);
            } else {
                add(payment, now);
            }
        }
    }

    private void add(long paymentNanos, long cardNanos) {
        samples.add(new long[] {(paymentNanos - startNanos) / 1_000_000, Math.max(0, cardNanos - paymentNanos) / 1_000});
    }

    /** Each sample: {milliseconds from the start to the payment's commit, latency in microseconds}, in no order. */
    public synchronized List<long[]> samples() {
        return List.copyOf(samples);
    }

    /** Percentiles in milliseconds: p50, p95, p99, max; zeros when there is no sample. */
    public synchronized double[] percentilesMillis() {
        long[] micros = samples.stream().mapToLong(s -> s[1]).toArray();
        if (micros.length == 0) {
            return new double[4];
        }
        Arrays.sort(micros);
        return new double[] {quantile(micros, 0.50) / 1000.0, quantile(micros, 0.95) / 1000.0, quantile(micros, 0.99) / 1000.0,
                micros[micros.length - 1] / 1000.0};
    }

    /** The nearest-rank {@code q} quantile of a sorted, non-empty array. */
    public static long quantile(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
