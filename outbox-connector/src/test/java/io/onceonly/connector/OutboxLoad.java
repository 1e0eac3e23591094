package io.onceonly.connector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.onceonly.contracts.OutboxEvent;
import io.onceonly.contracts.OutboxWriter;

/**
 * Business-like writers for relay tests: concurrent transactions of random size over a set of
 * aggregates. Each transaction locks its aggregates' counter rows (in a fixed order, so writers
 * never deadlock) and numbers its events per aggregate, so on the topic "commit order per
 * aggregate" is simply "seq ascending, no gaps".
 */
final class OutboxLoad {

    /** An event that was committed. */
    record Written(UUID id, String aggregateId, long seq, String bizId) {
    }

    private final DataSource db;
    private final String aggregateType;
    private final OutboxWriter writer = OutboxWriter.create();
    private final List<Written> committed = Collections.synchronizedList(new ArrayList<>());

    OutboxLoad(DataSource db, String aggregateType) throws SQLException {
        this.db = db;
        this.aggregateType = aggregateType;
        try (Connection c = db.getConnection()) {
            c.createStatement().execute("create table if not exists aggregate_counter (aggregate_id text primary key, seq bigint not null)");
        }
    }

    /** Writes {@code events} over {@code aggregates} from {@code threads} writers; returns when all committed. */
    List<Written> write(int events, int aggregates, int threads, int maxPerTransaction) throws Exception {
        return write(events, aggregates, threads, maxPerTransaction, 0);
    }

    /** As {@link #write(int, int, int, int)}, each writer pausing {@code pauseMillis} between transactions. */
    List<Written> write(int events, int aggregates, int threads, int maxPerTransaction, long pauseMillis) throws Exception {
        AtomicInteger remaining = new AtomicInteger(events);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                writers.add(pool.submit(() -> {
                    while (true) {
                        int size = ThreadLocalRandom.current().nextInt(1, maxPerTransaction + 1);
                        int left = remaining.getAndAdd(-size);
                        if (left <= 0) {
                            return null;
                        }
                        transaction(Math.min(size, left), aggregates);
                        if (pauseMillis > 0) {
                            Thread.sleep(pauseMillis);
                        }
                    }
                }));
            }
            for (Future<?> w : writers) {
                w.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return committed();
    }

    /** The events committed so far. */
    List<Written> committed() {
        synchronized (committed) {
            return new ArrayList<>(committed);
        }
    }

    private void transaction(int size, int aggregates) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            picks.add(aggregateType + "-agg-" + random.nextInt(aggregates));
        }
        Set<String> locked = new TreeSet<>(picks);
        try (Connection tx = db.getConnection()) {
            tx.setAutoCommit(false);
            try {
                for (String aggregate : locked) {
                    try (PreparedStatement lock = tx.prepareStatement("insert into aggregate_counter values (?, 0)"
                            + " on conflict (aggregate_id) do update set seq = aggregate_counter.seq")) {
                        lock.setString(1, aggregate);
                        lock.executeUpdate();
                    }
                }
                List<OutboxEvent> events = new ArrayList<>();
                List<Written> written = new ArrayList<>();
                for (String aggregate : picks) {
                    long seq = next(tx, aggregate);
                    String bizId = aggregate + "-" + seq;
                    OutboxEvent event = OutboxEvent.builder().aggregateType(aggregateType).aggregateId(aggregate)
                            .eventType("Counted").bizId(bizId)
                            .payloadJson("{\"aggregate\":\"" + aggregate + "\",\"seq\":" + seq + "}")
                            .header("test-trace", bizId).build();
                    events.add(event);
                    written.add(new Written(event.id(), aggregate, seq, bizId));
                }
                writer.appendAll(tx, events);
                tx.commit();
                committed.addAll(written);
            } catch (SQLException | RuntimeException e) {
                tx.rollback();
                throw e;
            }
        }
    }

    private static long next(Connection tx, String aggregate) throws SQLException {
        try (PreparedStatement next = tx.prepareStatement("update aggregate_counter set seq = seq + 1 where aggregate_id = ? returning seq")) {
            next.setString(1, aggregate);
            try (ResultSet rs = next.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
