package io.onceonly.dedup.topology;

import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * When the dedup app asks Kafka Streams to commit before {@code commit.interval.ms}: under
 * exactly_once_v2 a forward becomes visible to read_committed consumers only when its transaction
 * commits, and each commit stops the stream thread for a few broker round trips (flush, offsets,
 * end of transaction). A short interval is cheap under light load and costs throughput under heavy
 * load; a long one the reverse. So, when {@code commit.light.interval.ms} is set (off by default:
 * near saturation its tail was not shown to be neutral), the app commits every {@code intervalMs} while the load is light
 * (at most {@code maxRecords} records per interval on a stream thread) and leaves heavier load to
 * Kafka Streams' {@code commit.interval.ms}.
 *
 * <p>Counted per stream thread, across its tasks: Kafka Streams commits all of a thread's tasks in
 * one transaction. Decided as records are processed, so a commit comes with the first record after
 * the interval: with records arriving every few milliseconds, as under load, that is at once; the
 * last record before a pause waits for the next record or for {@code commit.interval.ms}.
 */
final class CommitCadence {

    private final long intervalMs;
    private final int maxRecords;
    // Per stream thread: [0] when the current interval started (system time, ms), [1] records in it.
    private final ThreadLocal<long[]> interval = ThreadLocal.withInitial(() -> new long[2]);

    /**
     * @param intervalMs how often to commit under light load; 0 never early
     * @param maxRecords the most records an interval may hold to count as light
     */
    CommitCadence(long intervalMs, int maxRecords) {
        this.intervalMs = intervalMs;
        this.maxRecords = maxRecords;
    }

    /** Counts a record the thread processed, and asks for a commit when a light interval has passed. */
    void processed(ProcessorContext<?, ?> context) {
        if (intervalMs <= 0) {
            return;
        }
        long[] current = interval.get();
        long now = context.currentSystemTimeMs();
        if (current[1] == 0) {
            current[0] = now;
        }
        current[1]++;
        if (now - current[0] >= intervalMs) {
            if (current[1] <= maxRecords) {
                context.commit();
            }
            current[1] = 0;
        }
    }
}
