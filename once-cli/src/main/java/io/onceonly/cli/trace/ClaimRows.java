package io.onceonly.cli.trace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigException;

import io.onceonly.cli.CommandFailure;
import io.onceonly.cli.config.CliOptions;

/**
 * The claims of a biz-id in a consumer's table ({@code IdempotentConsumer}'s {@code processed_message}).
 * Biz-ids that reach Kafka are at most 512 bytes, which claims store as they are.
 */
final class ClaimRows {

    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    /** One claim. */
    record Claim(String consumerName, Timestamp processedAt) {
    }

    private final String table;

    ClaimRows(String table) {
        if (!TABLE.matcher(table).matches()) {
            throw new ConfigException(CliOptions.CONSUMER_TABLE, table, "must be a plain SQL identifier, optionally"
                    + " schema-qualified, like processed_message or app.processed_message");
        }
        this.table = table;
    }

    String table() {
        return table;
    }

    List<Claim> of(Connection connection, String bizId) throws SQLException {
        List<Claim> claims = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select consumer_name, processed_at from " + table + " where biz_id = ? order by processed_at")) {
            select.setString(1, bizId);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    claims.add(new Claim(rs.getString(1), rs.getTimestamp(2)));
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                throw new CommandFailure("the consumer's database has no table " + table + ": name the consumer's table of"
                        + " claims with consumer.table", e);
            }
            throw e;
        }
        return claims;
    }
}
