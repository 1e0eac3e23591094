package io.onceonly.dedup.topology;

import java.time.Duration;

import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * When the dedup app asks Kafka Streams to commit before {@code commit.interval.ms}: under
 * exactly_once_v2 a forward becomes visible to read_committed consumers only when its transaction
 * commits, and each commit stops the stream thread for a few broker round trips (flush, offsets,
 * end of transaction). Short intervals keep latency low while the app keeps up and cost throughput
 * on a backlog; long ones the reverse. So, when {@code commit.fresh.interval.ms} is set (off by
 * default: its p99 at 2,000 events/s was longer than the fixed 20 ms's in every comparison, see
 * the dedup-streams README), the app commits every {@code intervalMs} while its records are fresh
 * (processed at most {@code maxLagMs} after their Kafka timestamp) and leaves older records, a
 * backlog, to Kafka Streams' {@code commit.interval.ms}: a record that waited long already waits a
 * little longer for its commit, and the app catches up at nearly the rate of no transactions.
 *
 * <p>Kept per stream thread, across its tasks: Kafka Streams commits all of a thread's tasks in
 * one transaction. A fresh record asks for a commit when the thread's last request is at least
 * {@code intervalMs} old (a record after a pause is committed at once); otherwise its task schedules
 * a wall-clock punctuator for that moment, which asks then if no record did before (it runs when
 * the stream thread wakes, at the latest after its {@code poll.ms}). The punctuator is cancelled
 * once a commit is asked for: every punctuation marks its task as needing a commit, and a
 * punctuator that kept running would make Kafka Streams commit empty transactions while the app
 * is idle.
 */
final class CommitCadence {

    /** One stream thread's state: its last request, and the punctuator that will ask for the records since. */
    private static final class Pending {
        private long askedAt = Long.MIN_VALUE / 2;
        private ProcessorContext<?, ?> owner;
        private Cancellable timer;
    }

    private final long intervalMs;
    private final long maxLagMs;
    private final ThreadLocal<Pending> pending = ThreadLocal.withInitial(Pending::new);

    /**
     * @param intervalMs how often to commit while records are fresh; 0 never early
     * @param maxLagMs how long after its timestamp a record may be processed and still count as fresh
     */
    CommitCadence(long intervalMs, long maxLagMs) {
        this.intervalMs = intervalMs;
        this.maxLagMs = maxLagMs;
    }

    /** Notes a record the thread processed, and asks for a commit when the last request is an interval old. */
    void processed(ProcessorContext<?, ?> context, long recordTimestamp) {
        if (intervalMs <= 0) {
            return;
        }
        long now = context.currentSystemTimeMs();
        if (now - recordTimestamp > maxLagMs) {
            // A backlog: Kafka Streams' commit.interval.ms commits this one, with any fresh ones before it.
            return;
        }
        Pending thread = pending.get();
        long due = thread.askedAt + intervalMs;
        if (now >= due) {
            ask(context, now);
        } else if (thread.timer == null) {
            thread.owner = context;
            thread.timer = context.schedule(Duration.ofMillis(due - now), PunctuationType.WALL_CLOCK_TIME, at -> ask(context, at));
        }
    }

    /** Forgets the punctuator of a closing task: Kafka Streams commits a task it closes, and cancels its punctuators. */
    void closed(ProcessorContext<?, ?> context) {
        Pending thread = pending.get();
        if (thread.owner == context) {
            forgetTimer(thread);
        }
    }

    private void ask(ProcessorContext<?, ?> context, long now) {
        context.commit();
        Pending thread = pending.get();
        thread.askedAt = now;
        forgetTimer(thread);
    }

    private static void forgetTimer(Pending thread) {
        if (thread.timer != null) {
            thread.timer.cancel();
        }
        thread.owner = null;
        thread.timer = null;
    }
}
