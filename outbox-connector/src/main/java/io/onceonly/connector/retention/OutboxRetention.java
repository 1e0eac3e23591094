package io.onceonly.connector.retention;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.connector.config.ConnectorOptions;

/**
 * {@code outbox.retention}: the active instance's periodic look that deletes outbox rows older
 * than the retention once they are proven relayed. Each look takes a {@link RelayedWatermark},
 * proves the earlier ones the slot has since confirmed past, and purges the rows of transactions
 * below the highest proven one ({@link OutboxPurge}). A row's creation time alone proves nothing:
 * the writer sets it at its transaction's start, which says nothing of when it committed, nor
 * whether the relay has passed that commit. Not thread-safe: one look at a time.
 */
public final class OutboxRetention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRetention.class);
    /** Watermarks kept while the relay lags: at the default period, 16 hours of them. */
    private static final int PENDING_CAPACITY = 1_000;
    /**
     * A batch waits at most this long for a table lock (DDL on the outbox); writers queued behind
     * such a lock then wait for the DDL, not for the purge. The look fails and the next one retries.
     */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(2);

    private final ConnectorConfig config;
    private final OutboxPurge purge;
    private final PendingWatermarks pending = new PendingWatermarks(PENDING_CAPACITY);
    private final Counter deleted;
    private volatile double rowEstimate = Double.NaN;
    private volatile Instant lastRunAt;
    private volatile String lastError;
    // Closed by close() from the stopping thread, possibly while a look runs: that batch then fails and is rolled back.
    private volatile Connection connection;

    /**
     * @throws IllegalStateException when {@code outbox.retention} is not set
     */
    public OutboxRetention(ConnectorConfig config, MeterRegistry registry) {
        this.config = config;
        Duration retention = config.retention().orElseThrow(() -> new IllegalStateException(ConnectorOptions.OUTBOX_RETENTION
                + " is not set"));
        this.purge = new OutboxPurge(config.outboxTable(), config.columns().createdAt().orElseThrow(), retention,
                config.retentionBatchSize());
        this.deleted = Counter.builder("once.connector.retention.rows.deleted")
                .description("Outbox rows deleted by outbox.retention, each older than the retention and confirmed relayed")
                .register(registry);
        Gauge.builder("once.connector.outbox.rows.estimate", this, r -> r.rowEstimate)
                .description("The outbox table's row count as PostgreSQL estimates it (pg_class.reltuples), read at each"
                        + " retention look")
                .register(registry);
    }

    /**
     * The start-up check when {@code outbox.retention} is set: the database user may delete from
     * the outbox table, the server is a primary, and the created-at column is a timestamp with an
     * index, so that a purge never scans the table.
     *
     * @throws ConfigException naming {@code outbox.retention} and the statement that fixes it
     */
    public static void requireUsable(Connection c, ConnectorConfig config) throws SQLException {
        String table = config.outboxTable();
        String column = config.columns().createdAt().orElseThrow();
        String value = config.retention().map(Duration::toString).orElseThrow();
        try (PreparedStatement q = c.prepareStatement("with t as (select ?::regclass as rel, ?::name as col)"
                + " select has_table_privilege(t.rel, 'DELETE'), pg_is_in_recovery(), quote_ident(current_user),"
                + " (select format_type(a.atttypid, a.atttypmod) from pg_attribute a"
                + "   where a.attrelid = t.rel and a.attname = t.col and not a.attisdropped),"
                + " exists (select 1 from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]"
                + "   where i.indrelid = t.rel and a.attname = t.col and i.indpred is null)"
                + " from t")) {
            q.setString(1, table);
            q.setString(2, column);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                String user = rs.getString(3);
                String type = rs.getString(4);
                if (!rs.getBoolean(1)) {
                    throw new ConfigException(ConnectorOptions.OUTBOX_RETENTION, value, "needs DELETE on " + table + ", which "
                            + ConnectorOptions.DATABASE_USER + " " + user + " lacks: run GRANT DELETE ON " + table + " TO " + user
                            + "; or set " + ConnectorOptions.OUTBOX_RETENTION + " empty to keep every row");
                }
                if (rs.getBoolean(2)) {
                    throw new ConfigException(ConnectorOptions.OUTBOX_RETENTION, value, "cannot delete on a server in recovery ("
                            + ConnectorOptions.DATABASE_URL + " points at a replica): point it at the primary, or set "
                            + ConnectorOptions.OUTBOX_RETENTION + " empty");
                }
                if (type == null || !type.startsWith("timestamp")) {
                    throw new ConfigException(ConnectorOptions.OUTBOX_RETENTION, value, "needs "
                            + ConnectorOptions.COLUMN_CREATED_AT + " (" + column + ") to be a timestamp column, but it is " + type
                            + "; name a timestamp column, or set " + ConnectorOptions.OUTBOX_RETENTION + " empty");
                }
                if (!rs.getBoolean(5)) {
                    throw new ConfigException(ConnectorOptions.OUTBOX_RETENTION, value, "needs an index on " + table + " ("
                            + column + "), so that purging never scans the table: run CREATE INDEX CONCURRENTLY ON " + table + " ("
                            + column + "); (OutboxSchema.install creates it) or set " + ConnectorOptions.OUTBOX_RETENTION
                            + " empty");
                }
            }
        }
    }

    /**
     * One look: takes a watermark, proves earlier ones, and deletes what the highest proven one
     * allows, batch after batch while {@code stillActive} holds. Failures are logged (once until
     * a look succeeds again) and shown by {@link #details()}; the next look retries.
     */
    public void runOnce(BooleanSupplier stillActive) {
        try {
            Connection c = connection();
            long proven = pending.offer(RelayedWatermark.take(c, config.slotName(), config.databaseName()));
            long rows = 0;
            if (proven != PendingWatermarks.NONE && stillActive.getAsBoolean()) {
                rows = purge.purge(c, proven, stillActive, deleted::increment);
            }
            rowEstimate = estimate(c);
            lastRunAt = Instant.now();
            if (lastError != null) {
                LOG.info("outbox retention works again");
                lastError = null;
            }
            LOG.debug("outbox retention: {} rows deleted below transaction {} ({} watermarks pending)", rows, proven, pending.size());
        } catch (SQLException e) {
            closeConnection();
            String error = "SQLState " + e.getSQLState() + ": " + e.getMessage();
            if (!error.equals(lastError)) {
                LOG.warn("outbox retention could not purge {} ({}); trying again in {} ms", config.outboxTable(), error,
                        config.retentionPeriodMs());
            }
            lastError = error;
        }
    }

    // Summed over the leaves of a partitioned table; -1 (never analyzed) shows as NaN, not as an empty table.
    private double estimate(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select sum(greatest(c.reltuples, 0)), bool_and(c.reltuples < 0) from pg_class c"
                + " where (c.oid = ?::regclass and c.relkind <> 'p')"
                + " or c.oid in (select relid from pg_partition_tree(?::regclass) where isleaf)")) {
            q.setString(1, config.outboxTable());
            q.setString(2, config.outboxTable());
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                double sum = rs.getDouble(1);
                return rs.wasNull() || rs.getBoolean(2) ? Double.NaN : sum;
            }
        }
    }

    private Connection connection() throws SQLException {
        Connection c = connection;
        if (c == null || c.isClosed()) {
            c = DriverManager.getConnection(config.databaseUrl(), config.databaseProperties());
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("set lock_timeout = " + LOCK_TIMEOUT.toMillis());
            }
            connection = c;
        }
        return c;
    }

    /** Rows deleted so far. */
    public long deletedCount() {
        return (long) deleted.count();
    }

    /** For {@code /health}: the retention, rows deleted, when the last look ended, and its error if it failed. */
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("after", config.retention().map(Duration::toString).orElse(null));
        details.put("rowsDeleted", deletedCount());
        Instant last = lastRunAt;
        details.put("lastRunAt", last == null ? null : last.toString());
        if (lastError != null) {
            details.put("lastError", lastError);
        }
        return details;
    }

    /** Closes the connection; a batch in flight is rolled back. */
    @Override
    public void close() {
        closeConnection();
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing the retention connection: {}", e.toString());
            }
        }
    }
}
