package io.onceonly.runtime;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * A small pool of its own for handlers that wait on something slow, such as other instances: the
 * ops server's threads only hand the request over, so that {@code /health} and {@code /metrics}
 * answer while every slot here waits. When all slots and the queue are taken the request is
 * refused with 503 and {@code Retry-After} at once, instead of waiting in an unbounded line. The
 * handler answers (and so closes) the exchange from the pool's thread, refusals and failures
 * answered as the ops server answers them.
 */
public final class HandlerPool implements AutoCloseable {

    private final String name;
    private final ThreadPoolExecutor pool;

    /**
     * @param name what runs here, for thread names and the 503 message: "biz-id lookup"
     * @param threads how many requests run at once
     * @param queue how many more may wait for a thread (0: none)
     */
    public HandlerPool(String name, int threads, int queue) {
        if (threads < 1 || queue < 0) {
            throw new IllegalArgumentException("a handler pool needs at least 1 thread and a queue of 0 or more, not "
                    + threads + " and " + queue);
        }
        this.name = name;
        BlockingQueue<Runnable> waiting = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, waiting,
                OpsServer.daemonThreads("once-ops-" + name.replace(' ', '-')));
    }

    /**
     * Runs {@code handler} on the pool; returns at once.
     *
     * @throws RequestRefusedException 503 when every slot and the queue are taken
     */
    public void run(HttpExchange exchange, HttpHandler handler) {
        try {
            pool.execute(() -> OpsRouter.guarded(exchange, handler));
        } catch (RejectedExecutionException e) {
            throw new RequestRefusedException(503, "every " + name + " slot is busy (" + pool.getMaximumPoolSize()
                    + " running, " + pool.getQueue().size() + " waiting); retry shortly", Map.of("Retry-After", "1"));
        }
    }

    /** Requests running now. */
    public int running() {
        return pool.getActiveCount();
    }

    /** Requests waiting for a thread now. */
    public int waiting() {
        return pool.getQueue().size();
    }

    /** Stops the pool; requests still running are interrupted. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
