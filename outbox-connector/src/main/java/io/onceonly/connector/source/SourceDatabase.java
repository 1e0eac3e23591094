package io.onceonly.connector.source;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.connector.config.ConnectorOptions;

/**
 * Checks and prepares the source database before Debezium starts, so that a wrong setting fails
 * with a sentence naming the option instead of deep inside the engine: logical WAL, the outbox
 * table and its mapped columns, the heartbeat table, and the publication.
 */
public final class SourceDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(SourceDatabase.class);

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
     * Runs every check and creates what is missing.
     *
     * @throws ConfigException naming the option whose value does not fit the database
     */
    public void prepare() {
        try (Connection c = DriverManager.getConnection(config.databaseUrl(), config.databaseUser(), config.databasePassword())) {
            c.setAutoCommit(true);
            requireLogicalWal(c);
            requireColumns(c);
            config.heartbeatTable().ifPresent(table -> createHeartbeatTable(c, table));
            ensurePublication(c);
        } catch (SQLException e) {
            throw new ConfigException(ConnectorOptions.DATABASE_URL, config.databaseUrl(),
                    "cannot be used as " + config.databaseUser() + ": " + e.getMessage());
        }
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

    private static void createHeartbeatTable(Connection c, String table) {
        try (Statement s = c.createStatement()) {
            // "create table if not exists" needs CREATE on the schema even when the table exists:
            // a relay user given only the table must still start.
            try (ResultSet exists = s.executeQuery("select to_regclass('" + table.replace("'", "''") + "') is not null")) {
                exists.next();
                if (exists.getBoolean(1)) {
                    return;
                }
            }
            s.execute("create table if not exists " + table + " (id int primary key, beat_at timestamptz not null)");
        } catch (SQLException e) {
            throw new ConfigException(ConnectorOptions.HEARTBEAT_TABLE, table, "cannot be created: " + e.getMessage()
                    + "; create it yourself (id int primary key, beat_at timestamptz not null) or set heartbeat.table empty");
        }
    }

    private void ensurePublication(Connection c) throws SQLException {
        String publication = config.publicationName();
        List<String> tables = new ArrayList<>();
        tables.add(config.outboxTable());
        config.heartbeatTable().ifPresent(tables::add);
        Set<String> published = publishedTables(c, publication);
        if (published == null) {
            try (Statement s = c.createStatement()) {
                s.execute("create publication " + publication + " for table " + String.join(", ", tables));
            }
            LOG.info("created publication {} for {}", publication, tables);
            return;
        }
        if (!published.contains(config.outboxTable())) {
            throw new ConfigException(ConnectorOptions.PUBLICATION_NAME, publication, "exists but does not publish "
                    + config.outboxTable() + " (it publishes " + published + "): run ALTER PUBLICATION " + publication
                    + " ADD TABLE " + config.outboxTable() + ", or choose another publication.name");
        }
        for (String table : tables) {
            if (!published.contains(table)) {
                try (Statement s = c.createStatement()) {
                    s.execute("alter publication " + publication + " add table " + table);
                    LOG.info("added {} to publication {}", table, publication);
                } catch (SQLException e) {
                    LOG.warn("publication {} does not publish the heartbeat table {} and it cannot be added ({}):"
                            + " heartbeats will not advance the slot while the outbox is idle", publication, table, e.getMessage());
                }
            }
        }
    }

    private static Set<String> publishedTables(Connection c, String publication) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("select 1 from pg_publication where pubname = ?")) {
            exists.setString(1, publication);
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
            }
        }
        Set<String> tables = new HashSet<>();
        try (PreparedStatement q = c.prepareStatement("select schemaname || '.' || tablename from pg_publication_tables where pubname = ?")) {
            q.setString(1, publication);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
