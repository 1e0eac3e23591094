package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.stack.Await;
import io.onceonly.stack.KafkaBroker;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * A cluster that does not create topics (auto.create.topics.enable=false, as in most production
 * clusters): a missing topic stops the relay loudly until it exists; colliding topic spellings are
 * refused at routing. Health is truthful from the start.
 */
@WithStack
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopicRefusalIT {

    private static final String DEAD_LETTER = "dl-refusal";

    private static TestStack stack;
    private static KafkaBroker strict;
    private static OutboxConnector connector;

    @BeforeAll
    static void start(TestStack testStack) throws Exception {
        stack = testStack;
        ConnectorFixture.installOutbox(stack.postgres());
        strict = KafkaBroker.builder().config("auto.create.topics.enable", "false").build().start();
        strict.createTopic(DEAD_LETTER, 1);
        strict.createTopic("outbox.present", 1);
        strict.createTopic("outbox.card.issue", 1);
        // No heartbeats: nothing is read from the slot until the first row, so health must stay DOWN until then.
        connector = new OutboxConnector(ConnectorFixture.config(ConnectorFixture.options(stack, "refusal_it", Map.of(
                "kafka.bootstrap.servers", strict.bootstrapServers(), "dead-letter.topic", DEAD_LETTER,
                "heartbeat.interval.ms", "0", "kafka.max.block.ms", "5000")))).start();
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        if (strict != null) {
            strict.close();
        }
    }

    @Test
    @Order(1)
    void healthIsDownUntilTheFirstReadThenAMissingTopicStopsTheRelayNamingItUntilItIsCreated() throws Exception {
        Await.until("the engine runs", Duration.ofSeconds(60), connector::isRunning);
        Thread.sleep(2_000);
        assertThat(connector.health().up()).as("UP before anything was read: %s", connector.health().details()).isFalse();

        UUID present = ConnectorFixture.insertRaw(stack.postgres(), "present", "{}");
        List<ConsumerRecord<byte[], byte[]>> first = TopicReader.read(strict, "outbox.present", 1, Duration.ofSeconds(60), Duration.ZERO);
        assertThat(first).extracting(r -> EventMetadata.of(r).eventId()).containsExactly(present);
        Await.until("health UP after the first read", Duration.ofSeconds(30), () -> connector.health().up(),
                () -> connector.health().details());

        UUID missing = ConnectorFixture.insertRaw(stack.postgres(), "missing", "{}");
        Await.until("health DOWN naming outbox.missing", Duration.ofSeconds(30), () -> blockedTopic().equals("outbox.missing"),
                () -> connector.health().details());
        @SuppressWarnings("unchecked")
        Map<String, Object> blocked = (Map<String, Object>) connector.health().details().get("blockedOn");
        assertThat(blocked.get("eventId")).isEqualTo(missing.toString());
        assertThat((String) blocked.get("fix")).contains("create the topic outbox.missing");
        assertThat(connector.health().up()).isFalse();

        strict.createTopic("outbox.missing", 1);
        List<ConsumerRecord<byte[], byte[]>> relayed = TopicReader.read(strict, "outbox.missing", 1, Duration.ofSeconds(60), Duration.ZERO);
        assertThat(relayed).extracting(r -> EventMetadata.of(r).eventId()).containsExactly(missing);
        Await.until("health UP once the topic exists", Duration.ofSeconds(30), () -> connector.health().up(),
                () -> connector.health().details());
    }

    @Test
    @Order(2)
    void anAggregateTypeWhoseTopicCollidesWithAnExistingOneIsDeadLettered() throws Exception {
        UUID colliding = ConnectorFixture.insertRaw(stack.postgres(), "card_issue", "{}");
        Await.until("dead letter of the colliding row", Duration.ofSeconds(60),
                () -> ConnectorFixture.recordOf(strict, DEAD_LETTER, colliding) != null);
        ConsumerRecord<byte[], byte[]> dead = ConnectorFixture.recordOf(strict, DEAD_LETTER, colliding);
        assertThat(OnceHeaders.lastText(dead.headers(), OnceHeaders.ERROR).orElseThrow())
                .contains("outbox.card_issue collides with the existing topic outbox.card.issue");
        UUID fine = ConnectorFixture.insertRaw(stack.postgres(), "card.issue", "{}");
        assertThat(TopicReader.read(strict, "outbox.card.issue", 1, Duration.ofSeconds(60), Duration.ZERO))
                .extracting(r -> EventMetadata.of(r).eventId()).contains(fine);
    }

    private static String blockedTopic() {
        Object blocked = connector.health().details().get("blockedOn");
        return blocked instanceof Map<?, ?> map ? String.valueOf(map.get("topic")) : "";
    }
}
