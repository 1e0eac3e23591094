package io.onceonly.connector;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.config.ConnectorSettings;
import io.onceonly.stack.PostgresService;
import io.onceonly.testkit.TestStack;

/** Connector options for a test stack: each connector of a test gets its own slot, publication and offset topic. */
final class ConnectorFixture {

    private ConnectorFixture() {
    }

    static Map<String, String> options(TestStack stack, String id, Map<String, String> extra) {
        PostgresService pg = stack.postgres();
        return new LinkedHashMap<>(ConnectorSettings.of(pg.jdbcUrl(), pg.username(), pg.password(), stack.kafka().bootstrapServers())
                .instance(id).with(ConnectorOptions.HTTP_PORT, "0").withAll(extra).options());
    }

    static String[] args(Map<String, String> options) {
        return ConnectorSettings.of(options).args();
    }

    static ConnectorConfig config(Map<String, String> options) {
        return ConnectorSettings.of(options).config();
    }

    static void sql(PostgresService pg, String... statements) throws SQLException {
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
