package io.onceonly.connector;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.runtime.AppOptions;
import io.onceonly.stack.PostgresService;
import io.onceonly.testkit.TestStack;

/** Connector options for a test stack: each connector of a test gets its own slot, publication and offset topic. */
final class ConnectorFixture {

    private ConnectorFixture() {
    }

    static Map<String, String> options(TestStack stack, String id, Map<String, String> extra) {
        PostgresService pg = stack.postgres();
        Map<String, String> o = new LinkedHashMap<>();
        o.put("database.url", pg.jdbcUrl());
        o.put("database.user", pg.username());
        o.put("database.password", pg.password());
        o.put("kafka.bootstrap.servers", stack.kafka().bootstrapServers());
        o.put("slot.name", id);
        o.put("publication.name", id);
        o.put("offset.storage.topic", "offsets-" + id);
        o.put("heartbeat.table", "public.heartbeat_" + id);
        o.put("http.port", "0");
        o.put("name", id);
        o.putAll(extra);
        return o;
    }

    static String[] args(Map<String, String> options) {
        List<String> args = new ArrayList<>();
        options.forEach((k, v) -> args.add("--" + k + "=" + v));
        return args.toArray(new String[0]);
    }

    static ConnectorConfig config(Map<String, String> options) {
        return ConnectorConfig.from(AppOptions.load(args(options), Map.of()));
    }

    static void sql(PostgresService pg, String... statements) throws SQLException {
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
