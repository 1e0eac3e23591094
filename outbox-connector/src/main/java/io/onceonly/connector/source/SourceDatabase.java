package io.onceonly.connector.source;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.retention.OutboxRetention;

/**
 * Checks and prepares the source database before Debezium starts, so that a wrong setting fails
 * with a sentence naming the option instead of deep inside the engine: logical WAL, the outbox
 * table and its mapped columns, the heartbeat table, the publication, and what {@code outbox.retention}
 * needs when it is set. A database that is not reachable yet (starting, restarting, out of
 * connections) is waited for, up to {@code database.start.timeout.ms}.
 */
public final class SourceDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(SourceDatabase.class);
    private static final long FIRST_PAUSE_MS = 250;
    private static final long LONGEST_PAUSE_MS = 10_000;

    private final ConnectorConfig config;

    public SourceDatabase(ConnectorConfig config) {
        this.config = config;
    }

    /** The query Debezium runs on each heartbeat, if a heartbeat table is configured. */
    public static Optional<String> heartbeatQuery(ConnectorConfig config) {
        return config.heartbeatTable().map(table -> "insert into " + table + " (id, beat_at) values (1, now())"
                + " on conflict (id) do update set beat_at = excluded.beat_at");
    }

    /**
     * Runs every check and creates what is missing; tries again, with growing pauses, while the
     * database is not reachable yet. Safe to run by several connectors at once.
     *
     * @throws ConfigException naming the option whose value does not fit the database
     * @throws DatabaseUnavailableException when the database stayed unreachable for {@code database.start.timeout.ms}
     */
    public void prepare() {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(config.databaseStartTimeoutMs());
        long pause = FIRST_PAUSE_MS;
        for (int attempt = 1; ; attempt++) {
            SQLException failure;
            try {
                prepareOnce();
                if (attempt > 1) {
                    LOG.info("database {} ready after {} attempts in {} ms", config.shownDatabaseUrl(), attempt, millisSince(started));
                }
                return;
            } catch (SQLException e) {
                if (SqlErrorKind.of(e) != SqlErrorKind.TRANSIENT) {
                    throw notUsable(e);
                }
                failure = e;
            }
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0) {
                LOG.warn("start-up check {} of database {} failed ({}); giving up after {} ms ({}={})", attempt,
                        config.shownDatabaseUrl(), describe(failure), millisSince(started), ConnectorOptions.DATABASE_START_TIMEOUT_MS,
                        config.databaseStartTimeoutMs());
                throw new DatabaseUnavailableException("database " + config.shownDatabaseUrl() + " was not usable as "
                        + config.databaseUser() + " after " + attempt + (attempt == 1 ? " attempt" : " attempts") + " in "
                        + millisSince(started) + " ms (" + ConnectorOptions.DATABASE_START_TIMEOUT_MS + "="
                        + config.databaseStartTimeoutMs() + "); the last error: " + describe(failure), failure);
            }
            long wait = Math.min(pause, leftMs);
            LOG.warn("start-up check {} of database {} failed ({}); trying again in {} ms, for up to {} ms more", attempt,
                    config.shownDatabaseUrl(), describe(failure), wait, leftMs);
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatabaseUnavailableException("interrupted while waiting for database " + config.shownDatabaseUrl()
                        + "; the last error: " + describe(failure), failure);
            }
            pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
        }
    }

    private void prepareOnce() throws SQLException {
        try (Connection c = DriverManager.getConnection(config.databaseUrl(), config.databaseProperties())) {
            c.setAutoCommit(true);
            requireLogicalWal(c);
            requireColumns(c);
            // Before anything is created: a start refused for want of a grant leaves nothing behind.
            if (config.retention().isPresent()) {
                OutboxRetention.requireUsable(c, config);
            }
            if (config.heartbeatTable().isPresent()) {
                createHeartbeatTable(c, config.heartbeatTable().get());
            }
            new OutboxPublication(config).ensure(c);
        }
    }

    // A failure that trying again cannot mend, named by the option most likely wrong.
    private ConfigException notUsable(SQLException e) {
        if (SqlErrorKind.of(e) == SqlErrorKind.TLS) {
            return new ConfigException(ConnectorOptions.DATABASE_URL, config.shownDatabaseUrl(), "cannot be used: TLS to"
                    + " PostgreSQL failed (" + e.getMessage() + "); check the TLS parameters of its query (or of"
                    + " debezium.database.ssl*): sslmode (verify-full; not disable where the server accepts only TLS),"
                    + " sslrootcert (the CA certificate that signed the server's; verify-full also needs the URL's host"
                    + " in the server's certificate), sslcert and sslkey (a client certificate, if the server asks for one)");
        }
        String state = String.valueOf(e.getSQLState());
        switch (state) {
            case "28P01":
                return new ConfigException(ConnectorOptions.DATABASE_PASSWORD, "[hidden]", "is not accepted for user "
                        + config.databaseUser() + " by " + config.shownDatabaseUrl() + ": " + e.getMessage());
            case "28000":
                return new ConfigException(ConnectorOptions.DATABASE_USER, config.databaseUser(), "may not connect to "
                        + config.shownDatabaseUrl() + ": " + e.getMessage() + " (check the role and pg_hba.conf)");
            case "3D000":
                return new ConfigException(ConnectorOptions.DATABASE_URL, config.shownDatabaseUrl(), "names a database that does"
                        + " not exist: " + e.getMessage());
            case "42501":
                return new ConfigException(ConnectorOptions.DATABASE_USER, config.databaseUser(), "lacks a privilege the"
                        + " connector needs: " + e.getMessage() + " (see \"What your PostgreSQL needs\" in the README)");
            default:
                return new ConfigException(ConnectorOptions.DATABASE_URL, config.shownDatabaseUrl(),
                        "cannot be used as " + config.databaseUser() + ": " + describe(e));
        }
    }

    private static String describe(SQLException e) {
        return "SQLState " + e.getSQLState() + ": " + e.getMessage();
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void requireLogicalWal(Connection c) throws SQLException {
        String level = single(c, "show wal_level");
        if (!"logical".equals(level)) {
            throw new ConfigException(ConnectorOptions.DATABASE_URL, "wal_level=" + level,
                    "needs wal_level=logical: set it in postgresql.conf (or -c wal_level=logical) and restart the server");
        }
    }

    private void requireColumns(Connection c) throws SQLException {
        String[] table = config.outboxTable().split("\\.");
        Set<String> present = new HashSet<>();
        try (PreparedStatement q = c.prepareStatement(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ?")) {
            q.setString(1, table[0]);
            q.setString(2, table[1]);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getString(1));
                }
            }
        }
        if (present.isEmpty()) {
            throw new ConfigException(ConnectorOptions.OUTBOX_TABLE, config.outboxTable(),
                    "does not exist (or is not visible to " + config.databaseUser() + "): create it with"
                            + " OutboxSchema.install or the DDL in the contracts module, or point outbox.table at yours");
        }
        for (Map.Entry<String, String> column : config.columns().byOption().entrySet()) {
            if (!present.contains(column.getValue())) {
                throw new ConfigException(column.getKey(), column.getValue(), "is not a column of " + config.outboxTable()
                        + "; its columns are " + present);
            }
        }
    }

    private static void createHeartbeatTable(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            // "create table if not exists" needs CREATE on the schema even when the table exists:
            // a relay user given only the table must still start.
            if (exists(s, table)) {
                return;
            }
            s.execute("create table if not exists " + table + " (id int primary key, beat_at timestamptz not null)");
        } catch (SQLException e) {
            SqlErrorKind kind = SqlErrorKind.of(e);
            if (kind == SqlErrorKind.TRANSIENT) {
                throw e;
            }
            // Two starts at once: the other one's table collided with ours in the catalog.
            if (kind == SqlErrorKind.ALREADY_EXISTS) {
                try (Statement s = c.createStatement()) {
                    if (exists(s, table)) {
                        return;
                    }
                }
            }
            throw new ConfigException(ConnectorOptions.HEARTBEAT_TABLE, table, "cannot be created: " + e.getMessage()
                    + "; create it yourself (id int primary key, beat_at timestamptz not null) or set heartbeat.table empty");
        }
    }

    private static boolean exists(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("select to_regclass('" + table.replace("'", "''") + "') is not null")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
