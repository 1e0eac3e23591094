package io.onceonly.cli.trace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

import io.onceonly.cli.CommandFailure;
import io.onceonly.cli.config.AppSettings;
import io.onceonly.connector.config.ConnectorOptions;

/**
 * The outbox rows of a biz-id, read with the connector's table and column names. The table has no
 * index on the biz-id (writers need none), so this reads the whole table: cheap for an outbox purged
 * by retention or delete-after-insert, a scan for a large kept one.
 */
final class OutboxRows {

    private static final String UNDEFINED_TABLE = "42P01";
    private static final String UNDEFINED_COLUMN = "42703";

    /** One row. */
    record Row(String id, String aggregateType, String aggregateId, String eventType, Timestamp createdAt) {
    }

    private final String table;
    private final String sql;

    OutboxRows(AppSettings connector) {
        this.table = connector.string(ConnectorOptions.OUTBOX_TABLE);
        String createdAt = connector.string(ConnectorOptions.COLUMN_CREATED_AT);
        this.sql = "select " + column(connector, ConnectorOptions.COLUMN_ID) + "::text, "
                + column(connector, ConnectorOptions.COLUMN_AGGREGATE_TYPE) + "::text, "
                + column(connector, ConnectorOptions.COLUMN_AGGREGATE_ID) + "::text, "
                + column(connector, ConnectorOptions.COLUMN_EVENT_TYPE) + "::text, "
                + (createdAt.isEmpty() ? "null::timestamptz" : quoted(createdAt))
                + " from " + table + " where " + column(connector, ConnectorOptions.COLUMN_BIZ_ID) + "::text = ?"
                + (createdAt.isEmpty() ? "" : " order by " + quoted(createdAt));
    }

    /** The table, as the connector names it. */
    String table() {
        return table;
    }

    List<Row> of(Connection connection, String bizId) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, bizId);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5)));
                }
            }
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState()) || UNDEFINED_COLUMN.equals(e.getSQLState())) {
                throw new CommandFailure("cannot read the outbox table " + table + ": " + e.getMessage()
                        + "; name it and its columns as the connector does (connector.outbox.table, connector.outbox.column.*,"
                        + " or config.connector)", e);
            }
            throw e;
        }
        return rows;
    }

    private static String column(AppSettings connector, String option) {
        return quoted(connector.string(option));
    }

    // Column names come from options: quoted as identifiers, never spliced in as SQL.
    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
