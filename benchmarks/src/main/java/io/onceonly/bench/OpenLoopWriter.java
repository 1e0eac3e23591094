package io.onceonly.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import io.onceonly.contracts.OutboxEvent;
import io.onceonly.contracts.OutboxWriter;

/**
 * Business transactions at a fixed offered rate, whatever the system's response (open loop): a
 * slow pipeline shows as latency, not as a politely lower rate. Records when each event committed.
 */
final class OpenLoopWriter {

    private final DataSource db;
    private final OutboxWriter writer = OutboxWriter.create();
    private final Map<UUID, Long> committedAtNanos = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();

    OpenLoopWriter(DataSource db) {
        this.db = db;
    }

    /**
     * Offers {@code eventsPerSecond} for {@code seconds}, {@code perTransaction} events per transaction.
     *
     * @return events committed
     */
    int run(String aggregateType, int eventsPerSecond, int seconds, int perTransaction, int threads) throws InterruptedException {
        // Named so that the broker's CPU can be told apart from the writers' (BrokerCpu).
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "bench-writer"));
        long transactions = (long) eventsPerSecond * seconds / perTransaction;
        long intervalNanos = 1_000_000_000L * perTransaction / eventsPerSecond;
        long start = System.nanoTime();
        for (long i = 0; i < transactions; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            pool.execute(() -> transaction(aggregateType, perTransaction));
        }
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.MINUTES);
        return committedAtNanos.size();
    }

    private void transaction(String aggregateType, int size) {
        List<OutboxEvent> events = PaymentEvents.transaction(aggregateType, size);
        try (Connection tx = db.getConnection()) {
            tx.setAutoCommit(false);
            writer.appendAll(tx, events);
            tx.commit();
            long now = System.nanoTime();
            events.forEach(e -> committedAtNanos.put(e.id(), now));
        } catch (SQLException e) {
            failures.incrementAndGet();
        }
    }

    Map<UUID, Long> committedAtNanos() {
        return committedAtNanos;
    }

    long failures() {
        return failures.get();
    }
}
