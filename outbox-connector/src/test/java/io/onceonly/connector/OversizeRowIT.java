package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.onceonly.connector.relay.Blockage;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.stack.Await;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * Rows larger than Kafka takes, written by raw SQL (OutboxWriter refuses them): never confirmed
 * unless their whole content is on Kafka.
 */
@WithStack
class OversizeRowIT {

    private static final String DEAD_LETTER = "dl-oversize";

    private static TestStack stack;
    private static OutboxConnector connector;

    @BeforeAll
    static void start(TestStack testStack) throws Exception {
        stack = testStack;
        ConnectorFixture.installOutbox(stack.postgres());
        // The broker's default message.max.bytes (1 MiB) on the dead-letter topic too.
        stack.kafka().createTopic(DEAD_LETTER, 1);
        connector = new OutboxConnector(ConnectorFixture.config(ConnectorFixture.options(stack, "oversize_it",
                Map.of("dead-letter.topic", DEAD_LETTER, "heartbeat.interval.ms", "500")))).start();
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
    }

    @Test
    void aCompressibleRowOverTheLimitReachesTheDeadLetterTopicWholeAndTheRowsAroundItFlow() throws Exception {
        UUID before = ConnectorFixture.insertRaw(stack.postgres(), "sized", "{\"n\": 1}");
        UUID big = ConnectorFixture.insertRaw(stack.postgres(), "sized", "{\"data\": \"" + "x".repeat(1_500_000) + "\"}");
        UUID after = ConnectorFixture.insertRaw(stack.postgres(), "sized", "{\"n\": 2}");

        List<ConsumerRecord<byte[], byte[]>> relayed = TopicReader.read(stack.kafka(), "outbox.sized", 2,
                Duration.ofSeconds(60), Duration.ofSeconds(2));
        assertThat(relayed).extracting(r -> EventMetadata.of(r).eventId()).containsExactly(before, after);

        ConsumerRecord<byte[], byte[]> dead = deadLetterOf(big);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo(renderedPayload(big));
        assertThat(EventMetadata.of(dead).bizId()).isEqualTo("biz-" + big);
        assertThat(OnceHeaders.lastText(dead.headers(), OnceHeaders.ERROR).orElseThrow())
                .contains("Kafka refused the record on outbox.sized").contains("whole event");
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("agg");
        Await.until("health UP after the dead letter", Duration.ofSeconds(30), () -> connector.health().up(),
                () -> connector.health().details());
    }

    @Test
    void aRowOverEveryLimitStopsTheRelayNamingItUntilTheTopicTakesIt() throws Exception {
        byte[] noise = new byte[1_600_000];
        new SecureRandom().nextBytes(noise);
        // Base64 of random bytes: zstd keeps about 3/4 of it, still over the dead-letter topic's 1 MiB.
        UUID big = ConnectorFixture.insertRaw(stack.postgres(), "noisy", "{\"data\": \"" + Base64.getEncoder().encodeToString(noise) + "\"}");
        UUID after = ConnectorFixture.insertRaw(stack.postgres(), "noisy", "{\"n\": 3}");

        Await.until("health DOWN naming row " + big, Duration.ofSeconds(90), () -> {
            Blockage b = blockage();
            return b != null && big.toString().equals(b.eventId());
        }, () -> connector.health().details());
        assertThat(connector.health().up()).isFalse();
        assertThat(blockage().topic()).isEqualTo(DEAD_LETTER);
        assertThat(blockage().fix()).contains("max.message.bytes").contains(DEAD_LETTER);

        try (Admin admin = Admin.create(stack.kafka().clientProperties())) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, DEAD_LETTER);
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                    new ConfigEntry("max.message.bytes", Integer.toString(8 * 1024 * 1024)), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        }

        ConsumerRecord<byte[], byte[]> dead = deadLetterOf(big);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo(renderedPayload(big));
        List<ConsumerRecord<byte[], byte[]>> relayed = TopicReader.read(stack.kafka(), "outbox.noisy", 1,
                Duration.ofSeconds(60), Duration.ofSeconds(1));
        assertThat(relayed).extracting(r -> EventMetadata.of(r).eventId()).contains(after);
        Await.until("health UP once the row went through", Duration.ofSeconds(30), () -> connector.health().up(),
                () -> connector.health().details());
    }

    private static Blockage blockage() {
        Object details = connector.health().details().get("blockedOn");
        if (!(details instanceof Map<?, ?> map)) {
            return null;
        }
        return new Blockage((String) map.get("eventId"), (String) map.get("topic"), (String) map.get("error"), (String) map.get("fix"));
    }

    private static ConsumerRecord<byte[], byte[]> deadLetterOf(UUID id) {
        Await.until("dead letter of " + id, Duration.ofSeconds(90),
                () -> ConnectorFixture.recordOf(stack.kafka(), DEAD_LETTER, id) != null);
        return ConnectorFixture.recordOf(stack.kafka(), DEAD_LETTER, id);
    }

    private static String renderedPayload(UUID id) throws Exception {
        try (Connection c = stack.postgres().dataSource().getConnection();
             PreparedStatement q = c.prepareStatement("select payload::text from outbox where id = ?")) {
            q.setObject(1, id);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
