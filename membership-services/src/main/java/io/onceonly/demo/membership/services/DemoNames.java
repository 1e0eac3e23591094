package io.onceonly.demo.membership.services;

import io.onceonly.contracts.wire.OutboxTopics;

/**
 * The names the demo gives its schemas, topics, slot and groups. They are fixed so that a user can
 * find them in their own Kafka and PostgreSQL; {@code --reset} removes them.
 */
public final class DemoNames {

    /** Schema of the payment service: accounts, payments and its outbox. */
    public static final String PAYMENT_SCHEMA = "membership_payment";
    /** Schema of the card-issuing service: cards and its processed-message log. */
    public static final String CARD_SCHEMA = "membership_card";
    /** The outbox table the connector tails. */
    public static final String OUTBOX_TABLE = PAYMENT_SCHEMA + ".outbox";
    /** Aggregate type of payment events: it names their topic. */
    public static final String AGGREGATE_TYPE = "payment";
    /**
     * The connector's topic prefix. The demo's topics live under {@code membership.} so that they can
     * never be mistaken for a user's own {@code outbox.*} topics, and {@code --reset} can remove them safely.
     */
    public static final String TOPIC_PREFIX = "membership." + OutboxTopics.DEFAULT_PREFIX;
    /** Where the connector sends payment events. */
    public static final String PAYMENT_TOPIC = OutboxTopics.forAggregate(TOPIC_PREFIX, AGGREGATE_TYPE);
    /** The deduplicated topic the card service consumes (the dedup app's output for {@link #PAYMENT_TOPIC}). */
    public static final String CARD_TOPIC = "membership.card.issue-requests";
    /** Dropped duplicates, audited. */
    public static final String DUPLICATES_TOPIC = OutboxTopics.duplicatesOf(CARD_TOPIC);
    /** Rows the connector could not route. */
    public static final String CONNECTOR_DEAD_LETTER = "membership." + OutboxTopics.CONNECTOR_DEAD_LETTER;
    /** Records the dedup app could not read. */
    public static final String DEDUP_DEAD_LETTER = "membership." + OutboxTopics.DEDUP_DEAD_LETTER;
    /** Replication slot and publication of the connector. */
    public static final String SLOT = "once_membership_demo";
    /** Where the connector keeps its position. */
    public static final String CONNECTOR_OFFSETS_TOPIC = "once-membership-demo.connector-offsets";
    /** Kafka Streams application.id of the dedup app (also the prefix of its internal topics). */
    public static final String DEDUP_APPLICATION_ID = "once-membership-demo-dedup";
    /** Consumer group of the card service, and its name in the processed-message log. */
    public static final String CARD_CONSUMER = "once-membership-demo-card-issuing";

    private DemoNames() {
    }
}
