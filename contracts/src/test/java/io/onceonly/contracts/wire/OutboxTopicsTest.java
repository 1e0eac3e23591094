package io.onceonly.contracts.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutboxTopicsTest {

    @Test
    void namesTopicsAsTheDesignSays() {
        assertThat(OutboxTopics.forAggregate("payment")).isEqualTo("outbox.payment");
        assertThat(OutboxTopics.forAggregate("events.", "Order_v2")).isEqualTo("events.Order_v2");
        assertThat(OutboxTopics.duplicatesOf("cards.issue")).isEqualTo("cards.issue.duplicates");
        assertThat(OutboxTopics.CONNECTOR_DEAD_LETTER).isEqualTo("outbox.dead-letter");
        assertThat(OutboxTopics.DEDUP_DEAD_LETTER).isEqualTo("dedup.dead-letter");
    }

    @Test
    void refusesNamesKafkaWouldRefuse() {
        assertThatThrownBy(() -> OutboxTopics.forAggregate("pay ment"))
                .hasMessageContaining("aggregateType 'pay ment' must match [a-zA-Z0-9._-]{1,200}");
        assertThatThrownBy(() -> OutboxTopics.forAggregate("bad prefix/", "payment"))
                .hasMessageContaining("topic prefix 'bad prefix/'");
        assertThatThrownBy(() -> OutboxTopics.forAggregate("p".repeat(60), "a".repeat(200)))
                .hasMessageContaining("longer than Kafka's limit of 249");
    }

    @Test
    void tellsWhyABuiltNameIsNotATopicName() {
        assertThat(OutboxTopics.topicNameProblem("cards.issue.duplicates")).isNull();
        assertThat(OutboxTopics.topicNameProblem("t".repeat(OutboxTopics.MAX_TOPIC_LENGTH))).isNull();
        assertThat(OutboxTopics.topicNameProblem("t".repeat(OutboxTopics.MAX_TOPIC_LENGTH + 1))).contains("at most 249");
        assertThat(OutboxTopics.topicNameProblem("cards/issue")).contains("not a legal topic name: cards/issue");
        assertThat(OutboxTopics.topicNameProblem("..")).isNotNull();
        assertThat(OutboxTopics.topicNameProblem("")).isNotNull();
    }
}
