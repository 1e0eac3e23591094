package io.onceonly.connector.source;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.connector.config.ConnectorOptions;

/**
 * The publication Debezium reads: created for the outbox (and heartbeat) table when missing, and
 * when it exists, refused unless it delivers every insert of the outbox table, with every mapped
 * column, under the outbox table's own name. Each refusal gives the SQL that fixes it.
 */
final class OutboxPublication {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxPublication.class);

    private final ConnectorConfig config;
    private final String name;
    private final String outbox;

    OutboxPublication(ConnectorConfig config) {
        this.config = config;
        this.name = config.publicationName();
        this.outbox = config.outboxTable();
    }

    /**
     * Creates the publication or checks the one there is.
     *
     * @throws ConfigException on {@code publication.name}, with the SQL that fixes it
     * @throws SQLException when a statement fails for another reason
     */
    void ensure(Connection c) throws SQLException {
        boolean partitioned = isPartitioned(c);
        Flags flags = flags(c);
        if (flags == null) {
            if (create(c, partitioned)) {
                return;
            }
            flags = flags(c);
            if (flags == null) {
                // The other start's CREATE rolled back after ours collided with it: a race like a serialization failure.
                throw new SQLException("publication " + name + " was being created by another session, which gave up", "40001");
            }
        }
        check(c, flags, partitioned);
        if (config.heartbeatTable().isPresent()) {
            addHeartbeat(c, config.heartbeatTable().get());
        }
    }

    // False when a start running at the same time created it first: then it is checked like any existing one.
    private boolean create(Connection c, boolean partitioned) throws SQLException {
        List<String> tables = new ArrayList<>();
        tables.add(outbox);
        config.heartbeatTable().ifPresent(tables::add);
        // Without it, changes of a partitioned table arrive under the partitions' names, which the relay does not read.
        String sql = "create publication " + name + " for table " + String.join(", ", tables)
                + (partitioned ? " with (publish_via_partition_root = true)" : "");
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            SqlErrorKind kind = SqlErrorKind.of(e);
            if (kind == SqlErrorKind.ALREADY_EXISTS) {
                LOG.info("publication {} was created by another start at the same moment; checking it", name);
                return false;
            }
            if (kind == SqlErrorKind.TRANSIENT) {
                throw e;
            }
            throw new ConfigException(ConnectorOptions.PUBLICATION_NAME, name, "does not exist and cannot be created by "
                    + config.databaseUser() + " (" + e.getMessage() + "): let the owner of the tables run " + sql);
        }
        LOG.info("created publication {} for {}{}", name, tables, partitioned ? ", via the partition root" : "");
        return true;
    }

    private void check(Connection c, Flags flags, boolean partitioned) throws SQLException {
        if (!flags.insert) {
            refuse("does not publish inserts, and inserts are the events: run ALTER PUBLICATION " + name
                    + " SET (publish = '" + flags.publishWithInsert() + "')");
        }
        Map<String, Member> members = members(c, partitioned);
        Member root = members.get(outbox);
        String viaRoot = "ALTER PUBLICATION " + name + " SET (publish_via_partition_root = true)";
        if (members.isEmpty()) {
            refuse("exists but does not publish " + outbox + ": run ALTER PUBLICATION " + name + " ADD TABLE " + outbox
                    + (partitioned && !flags.viaRoot ? " and " + viaRoot : "") + ", or choose another publication.name");
        }
        if (partitioned && !flags.viaRoot) {
            refuse("publishes the partitions of the partitioned table " + outbox + " " + members.keySet()
                    + " under their own names, which the relay does not read: run " + viaRoot);
        }
        if (root == null) {
            refuse("publishes only the partitions " + members.keySet() + " of " + outbox + ", not the table itself: run"
                    + " ALTER PUBLICATION " + name + " ADD TABLE " + outbox);
        }
        String republish = "run in one transaction ALTER PUBLICATION " + name + " DROP TABLE " + outbox
                + "; ALTER PUBLICATION " + name + " ADD TABLE " + outbox;
        if (root.rowFilter != null) {
            refuse("publishes only the rows of " + outbox + " matching " + root.rowFilter + ", and the rows it leaves out"
                    + " would never be relayed: " + republish);
        }
        if (root.columns != null) {
            Set<String> missing = new LinkedHashSet<>(config.columns().byOption().values());
            missing.removeAll(root.columns);
            if (!missing.isEmpty()) {
                refuse("publishes only the columns " + root.columns + " of " + outbox + ", without the mapped columns "
                        + missing + ": " + republish);
            }
        }
    }

    private void addHeartbeat(Connection c, String table) throws SQLException {
        if (!membersAmong(c, table).isEmpty()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("alter publication " + name + " add table " + table);
            LOG.info("added {} to publication {}", table, name);
        } catch (SQLException e) {
            SqlErrorKind kind = SqlErrorKind.of(e);
            if (kind == SqlErrorKind.TRANSIENT) {
                throw e;
            }
            if (kind == SqlErrorKind.ALREADY_EXISTS) {
                return;
            }
            LOG.warn("publication {} does not publish the heartbeat table {} and it cannot be added ({}):"
                    + " heartbeats will not advance the slot while the outbox is idle", name, table, e.getMessage());
        }
    }

    private void refuse(String reason) {
        throw new ConfigException(ConnectorOptions.PUBLICATION_NAME, name, reason);
    }

    private boolean isPartitioned(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select relkind = 'p' from pg_class where oid = to_regclass(?)")) {
            q.setString(1, outbox);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private Flags flags(Connection c) throws SQLException {
        // publish_via_partition_root came with PostgreSQL 13.
        String viaRoot = c.getMetaData().getDatabaseMajorVersion() >= 13 ? "pubviaroot" : "false";
        try (PreparedStatement q = c.prepareStatement(
                "select pubinsert, pubupdate, pubdelete, pubtruncate, " + viaRoot + " from pg_publication where pubname = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? new Flags(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5)) : null;
            }
        }
    }

    // The publication's rows for the outbox table and, when it is partitioned, its partitions: which of them
    // pg_publication_tables lists depends on publish_via_partition_root.
    private Map<String, Member> members(Connection c, boolean partitioned) throws SQLException {
        if (!partitioned) {
            return membersAmong(c, outbox);
        }
        List<String> tree = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select n.nspname || '.' || r.relname from pg_partition_tree(to_regclass(?)) t"
                + " join pg_class r on r.oid = t.relid join pg_namespace n on n.oid = r.relnamespace order by t.level")) {
            q.setString(1, outbox);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    tree.add(rs.getString(1));
                }
            }
        }
        return membersAmong(c, tree.toArray(new String[0]));
    }

    private Map<String, Member> membersAmong(Connection c, String... tables) throws SQLException {
        // Row filters and column lists came with PostgreSQL 15; before, a member publishes every row and column.
        boolean filters = c.getMetaData().getDatabaseMajorVersion() >= 15;
        Map<String, Member> members = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement("select schemaname || '.' || tablename"
                + (filters ? ", rowfilter, attnames" : "") + " from pg_publication_tables"
                + " where pubname = ? and schemaname || '.' || tablename = any (?)")) {
            q.setString(1, name);
            q.setArray(2, c.createArrayOf("text", tables));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Array columns = filters ? rs.getArray(3) : null;
                    members.put(rs.getString(1), new Member(filters ? rs.getString(2) : null,
                            columns == null ? null : Arrays.asList((String[]) columns.getArray())));
                }
            }
        }
        return members;
    }

    /** What the publication publishes, from pg_publication. */
    private record Flags(boolean insert, boolean update, boolean delete, boolean truncate, boolean viaRoot) {

        // The publish list with insert added, keeping what other subscribers of the publication get.
        String publishWithInsert() {
            List<String> ops = new ArrayList<>(List.of("insert"));
            if (update) {
                ops.add("update");
            }
            if (delete) {
                ops.add("delete");
            }
            if (truncate) {
                ops.add("truncate");
            }
            return String.join(", ", ops);
        }
    }

    /** One row of pg_publication_tables: the row filter and the published columns, null when unknown or none. */
    private record Member(String rowFilter, List<String> columns) {
    }
}
