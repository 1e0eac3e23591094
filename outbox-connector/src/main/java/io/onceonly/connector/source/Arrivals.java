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

    // Written only under Debezium's queue lock (enqueue and drain both hold it); read without it.
    private volatile int queued;
    private volatile Thread waiter;
    private volatile boolean stopped;

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

    /** Ends a wait at once, and every later one (the task stops). */
    void stop() {
        stopped = true;
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
