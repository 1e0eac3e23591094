package io.onceonly.connector.source;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How many changes wait in Debezium's queue, and a wake-up for the one thread that waits for the
 * first: the link between {@link ArrivalQueueProvider}, which Debezium creates by name, and
 * {@link OutboxSourceTask}, which Debezium creates by class. They find each other by the id that
 * {@link EngineProperties} gives each engine ({@value #ID}).
 */
final class Arrivals {

    /** The engine property that names one engine's arrivals. */
    static final String ID = "once.queue.arrivals.id";

    private static final Map<String, Arrivals> BY_ID = new ConcurrentHashMap<>();

    /** How long the polling thread parks per look at the queue in the last millisecond of a poll. */
    static final long LAST_MILLISECOND_PARK_NANOS = 200_000;

    // Written only under Debezium's queue lock (enqueue and drain both hold it); read without it.
    private volatile int queued;
    private volatile Thread waiter;
    private volatile boolean stopped;
    // The thread in Debezium's poll, and when that poll's wait ends (System.currentTimeMillis()).
    private volatile Thread polling;
    private volatile long pollEndsAtMs;

    /** New arrivals for a new queue of the engine with this id (a restarted task gets a new queue). */
    static Arrivals register(String id) {
        Arrivals arrivals = new Arrivals();
        BY_ID.put(id, arrivals);
        return arrivals;
    }

    /** The arrivals of the engine's current queue; null when Debezium uses another queue provider. */
    static Arrivals registered(String id) {
        return BY_ID.get(id);
    }

    /** Forgets these arrivals when their task stops, unless a newer queue replaced them. */
    static void forget(String id, Arrivals arrivals) {
        BY_ID.remove(id, arrivals);
    }

    void added() {
        if (queued++ == 0) {
            Thread t = waiter;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    void removed() {
        queued--;
    }

    int queued() {
        return queued;
    }

    /**
     * Waits until a change is queued, at most {@code timeoutMs}; true if one is. One thread waits at
     * a time (the engine's polling thread). A wake-up before the park is kept by the thread's permit,
     * so none is lost.
     */
    boolean awaitFirst(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        waiter = Thread.currentThread();
        try {
            long left;
            while (queued == 0 && !stopped && (left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            return queued > 0;
        } finally {
            waiter = null;
        }
    }

    /**
     * The calling thread enters Debezium's poll of the queue, which waits up to {@code intervalMs}
     * for a full batch. Called just before it, so the poll's own timer starts in the same
     * millisecond or the next.
     */
    void pollStarting(long intervalMs) {
        pollEndsAtMs = System.currentTimeMillis() + intervalMs;
        polling = Thread.currentThread();
    }

    /** The poll returned. */
    void pollEnded() {
        polling = null;
    }

    /**
     * Called at each look of Debezium's poll at the queue. Its timer counts whole milliseconds and
     * waits only while a whole one is left, so through the last millisecond of every poll it looks
     * again and again without waiting: up to a millisecond of a core per poll, also while changes
     * flow. In that millisecond the polling thread parks briefly at each look at an empty queue
     * instead. It holds Debezium's queue lock meanwhile, as it does while it spins, so the reader
     * waits no longer than before, and the poll returns within one park (a fifth of a millisecond,
     * more where the operating system's timers are coarse) of when it would have.
     */
    void pacePoll() {
        if (polling == Thread.currentThread() && System.currentTimeMillis() >= pollEndsAtMs) {
            LockSupport.parkNanos(this, LAST_MILLISECOND_PARK_NANOS);
        }
    }

    /** Ends a wait at once, and every later one (the task stops). */
    void stop() {
        stopped = true;
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
