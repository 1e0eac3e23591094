package io.onceonly.cli.deadletter;

import java.util.List;

import io.onceonly.cli.config.OnceSettings;
import io.onceonly.cli.kafka.RecordAddress;

/**
 * The two dead-letter topics: the connector's (rows it could not route; the value is the whole row)
 * and the dedup app's (records it could not use; the value is the record's). Named by the apps'
 * options, or by the words {@code connector} and {@code dedup}.
 */
public final class DeadLetterTopics {

    /** Whose dead letters a topic holds. */
    public enum Kind { CONNECTOR, DEDUP }

    private final String connector;
    private final String dedup;

    public DeadLetterTopics(OnceSettings settings) {
        this.connector = settings.connectorDeadLetterTopic();
        this.dedup = settings.dedupDeadLetterTopic();
    }

    /** Both topics. */
    public List<String> both() {
        return List.of(connector, dedup);
    }

    /**
     * The topic {@code name} names: {@code connector}, {@code dedup}, or a topic name; null for null.
     */
    public String resolve(String name) {
        if (name == null) {
            return null;
        }
        return switch (name) {
            case "connector" -> connector;
            case "dedup" -> dedup;
            default -> name;
        };
    }

    /**
     * The dead letter an argument names: {@code topic:partition:offset}, or {@code partition:offset}
     * of {@code --topic}.
     *
     * @throws IllegalArgumentException when the address is malformed or not on a dead-letter topic
     */
    public RecordAddress address(String text, String topicOption) {
        RecordAddress address = RecordAddress.parse(text, resolve(topicOption));
        kindOf(address.topic());
        return address;
    }

    /**
     * @throws IllegalArgumentException naming both dead-letter topics when {@code topic} is neither
     */
    public Kind kindOf(String topic) {
        if (topic.equals(connector)) {
            return Kind.CONNECTOR;
        }
        if (topic.equals(dedup)) {
            return Kind.DEDUP;
        }
        throw new IllegalArgumentException(topic + " is not a dead-letter topic: the connector's is " + connector
                + " (connector.dead-letter.topic), the dedup app's " + dedup + " (dedup.dead-letter.topic)");
    }
}
