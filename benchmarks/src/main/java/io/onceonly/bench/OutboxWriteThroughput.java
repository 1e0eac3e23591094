package io.onceonly.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.contracts.OutboxEvent;
import io.onceonly.contracts.OutboxWriter;

/**
 * Events per second into the outbox through {@link OutboxWriter}, against the limit of the same
 * rows sent as raw prepared INSERTs (statement prepared once per thread, no checks) on the same
 * threads and the same durable server. Closed loop: each thread commits as fast as it can.
 * Both sides build the same {@link OutboxEvent}s, so the ratio is what the writer itself costs.
 */
final class OutboxWriteThroughput {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxWriteThroughput.class);
    private static final String INSERT = "insert into outbox (id, aggregate_type, aggregate_id, event_type, biz_id, payload, headers)"
            + " values (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)";

    private final DataSource db;
    private final Results results;
    private final OutboxWriter writer = OutboxWriter.create();

    OutboxWriteThroughput(DataSource db, Results results) {
        this.db = db;
        this.results = results;
    }

    void run(int[] perTransaction, int threads, int seconds) throws Exception {
        // The first seconds of a JVM and a server are slower for whichever side runs first.
        measure(10, threads, Math.max(2, seconds / 2), new WriterTransactions());
        for (int size : perTransaction) {
            // A-B-B-A halves, so that a drift of the machine over the figure (another process, the
            // server's checkpoints) weighs on both sides alike.
            double half = seconds / 2.0;
            double raw = measure(size, threads, half, new RawTransactions());
            double api = measure(size, threads, half, new WriterTransactions());
            api = (api + measure(size, threads, half, new WriterTransactions())) / 2;
            raw = (raw + measure(size, threads, half, new RawTransactions())) / 2;
            String setting = size + " event" + (size == 1 ? "" : "s") + "/tx, " + threads + " threads";
            LOG.info("outbox write, {}: OutboxWriter {} ev/s, raw INSERT {} ev/s", setting, Math.round(api), Math.round(raw));
            results.add(new Row("outbox write", setting, "events/s", api, "OutboxWriter, durable commits"));
            results.add(new Row("outbox write", setting, "limit events/s", raw, "raw prepared INSERTs, same rows and threads"));
            results.add(new Row("outbox write", setting, "ratio %", 100 * api / raw, "OutboxWriter / raw"));
        }
    }

    /** Events per second committed by {@code threads} threads over {@code seconds}. */
    private double measure(int size, int threads, double seconds, Transactions transactions) throws InterruptedException {
        AtomicLong events = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long started = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try (Connection tx = db.getConnection()) {
                    tx.setAutoCommit(false);
                    while (System.nanoTime() < end) {
                        transactions.write(tx, PaymentEvents.transaction("bench-write", size));
                        tx.commit();
                        events.addAndGet(size);
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException("outbox write failed", e);
                }
            }, "bench-writer");
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return events.get() / ((System.nanoTime() - started) / 1e9);
    }

    /** One way of writing a transaction's events. */
    private interface Transactions {
        void write(Connection tx, List<OutboxEvent> events) throws SQLException;
    }

    private final class WriterTransactions implements Transactions {
        @Override
        public void write(Connection tx, List<OutboxEvent> events) throws SQLException {
            if (events.size() == 1) {
                writer.append(tx, events.get(0));
            } else {
                writer.appendAll(tx, events);
            }
        }
    }

    /** The limit: the same INSERT, prepared once per connection, bound and sent with nothing around it. */
    private static final class RawTransactions implements Transactions {
        private final ThreadLocal<PreparedStatement> statements = new ThreadLocal<>();

        @Override
        public void write(Connection tx, List<OutboxEvent> events) throws SQLException {
            PreparedStatement insert = statements.get();
            if (insert == null) {
                insert = tx.prepareStatement(INSERT);
                statements.set(insert);
            }
            for (OutboxEvent e : events) {
                insert.setObject(1, e.id());
                insert.setString(2, e.aggregateType());
                insert.setString(3, e.aggregateId());
                insert.setString(4, e.eventType());
                insert.setString(5, e.bizId());
                insert.setString(6, e.payload());
                insert.setNull(7, Types.VARCHAR);
                if (events.size() == 1) {
                    insert.executeUpdate();
                } else {
                    insert.addBatch();
                }
            }
            if (events.size() > 1) {
                insert.executeBatch();
            }
        }
    }
}
