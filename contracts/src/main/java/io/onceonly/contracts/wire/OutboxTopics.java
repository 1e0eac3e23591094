package io.onceonly.contracts.wire;

import java.util.regex.Pattern;

/**
 * Topic naming of the wire contract: {@code <prefix><aggregate type>} for relayed events, and the
 * fixed names of the audit and dead-letter topics.
 */
public final class OutboxTopics {

    /** Prefix of the topics the connector writes, followed by the aggregate type. */
    public static final String DEFAULT_PREFIX = "outbox.";
    /** Where the connector puts rows it cannot route. */
    public static final String CONNECTOR_DEAD_LETTER = "outbox.dead-letter";
    /** Where the dedup app puts records it cannot read or key. */
    public static final String DEDUP_DEAD_LETTER = "dedup.dead-letter";
    /** Suffix of the audit topic of dropped duplicates: {@code <output topic>.duplicates}. */
    public static final String DUPLICATES_SUFFIX = ".duplicates";

    /** The rule an aggregate type must follow, because it becomes part of a topic name. */
    public static final String AGGREGATE_TYPE_RULE = "[a-zA-Z0-9._-]{1,200}";

    private static final Pattern AGGREGATE_TYPE = Pattern.compile(AGGREGATE_TYPE_RULE);
    /** Kafka's own limit on a topic name's length. */
    public static final int MAX_TOPIC_LENGTH = 249;

    private static final Pattern TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]*");

    private OutboxTopics() {
    }

    /** True when {@code aggregateType} can be routed to a topic. */
    public static boolean isValidAggregateType(String aggregateType) {
        return aggregateType != null && AGGREGATE_TYPE.matcher(aggregateType).matches();
    }

    /** The topic of an aggregate type under the default prefix, for example {@code outbox.payment}. */
    public static String forAggregate(String aggregateType) {
        return forAggregate(DEFAULT_PREFIX, aggregateType);
    }

    /**
     * The topic of an aggregate type under {@code prefix}.
     *
     * @throws IllegalArgumentException naming the bad value when the aggregate type breaks
     *     {@link #AGGREGATE_TYPE_RULE} or the result is not a legal Kafka topic name
     */
    public static String forAggregate(String prefix, String aggregateType) {
        if (!isValidAggregateType(aggregateType)) {
            throw new IllegalArgumentException(Violations.describe("aggregateType", aggregateType,
                    "must match " + AGGREGATE_TYPE_RULE + " because it becomes part of a topic name"));
        }
        String topic = requirePrefix(prefix) + aggregateType;
        if (topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException(Violations.describe("topic", topic,
                    "is longer than Kafka's limit of " + MAX_TOPIC_LENGTH + " characters; use a shorter prefix or aggregate type"));
        }
        return topic;
    }

    /**
     * Why {@code topic} is not a legal Kafka topic name (characters, length, {@code .} or
     * {@code ..}), or null when it is one: for names built from other names, which can break it.
     */
    public static String topicNameProblem(String topic) {
        if (topic == null || topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH || !TOPIC_CHARS.matcher(topic).matches()
                || topic.equals(".") || topic.equals("..")) {
            return "not a legal topic name: " + topic + " (at most " + MAX_TOPIC_LENGTH + " of a-z A-Z 0-9 . _ -)";
        }
        return null;
    }

    /** The audit topic of dropped duplicates of {@code outputTopic}. */
    public static String duplicatesOf(String outputTopic) {
        return outputTopic + DUPLICATES_SUFFIX;
    }

    private static String requirePrefix(String prefix) {
        if (prefix == null || !TOPIC_CHARS.matcher(prefix).matches()) {
            throw new IllegalArgumentException(Violations.describe("topic prefix", prefix,
                    "may only contain letters, digits, '.', '_' and '-'"));
        }
        return prefix;
    }
}
