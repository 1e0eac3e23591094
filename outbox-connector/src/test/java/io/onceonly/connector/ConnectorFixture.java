package io.onceonly.connector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.config.ConnectorSettings;
import io.onceonly.contracts.OutboxSchema;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.stack.KafkaService;
import io.onceonly.stack.PostgresService;
import io.onceonly.stack.TopicReader;
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

    /** Installs Once's outbox table (idempotent). */
    static void installOutbox(PostgresService pg) throws SQLException {
        try (Connection c = pg.dataSource().getConnection()) {
            OutboxSchema.install(c);
        }
    }

    /** Inserts one outbox row by raw SQL, as a writer that bypasses OutboxWriter would; returns its event id. */
    static UUID insertRaw(PostgresService pg, String aggregateType, String payloadJson) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = pg.dataSource().getConnection();
             PreparedStatement insert = c.prepareStatement("insert into outbox (id, aggregate_type, aggregate_id, event_type, biz_id,"
                     + " payload) values (?, ?, 'agg', 'Raw', ?, ?::jsonb)")) {
            insert.setObject(1, id);
            insert.setString(2, aggregateType);
            insert.setString(3, "biz-" + id);
            insert.setString(4, payloadJson);
            insert.executeUpdate();
        }
        return id;
    }

    /** The record on {@code topic} whose once-event-id is {@code id}, or null when there is none (yet). */
    static ConsumerRecord<byte[], byte[]> recordOf(KafkaService kafka, String topic, UUID id) {
        return TopicReader.readToEnd(kafka, topic, Duration.ofSeconds(2), "read_committed").stream()
                .filter(r -> OnceHeaders.lastText(r.headers(), OnceHeaders.EVENT_ID).map(id.toString()::equals).orElse(false))
                .findFirst().orElse(null);
    }
}
