package io.onceonly.connector.routing;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kafka refuses a topic whose name differs from an existing one only in '.' against '_' (both
 * become '_' in metric names): {@code outbox.card.issue} and {@code outbox.card_issue} cannot both
 * exist. The first name seen for a spelling owns it; a row routed to the other spelling is refused
 * with the reason instead of being retried against a topic Kafka will never create.
 */
final class TopicCollisions {

    private final Map<String, String> owners = new ConcurrentHashMap<>();

    /** Topics that already exist in the cluster own their spelling from the start. */
    void knownTopics(Collection<String> topics) {
        topics.forEach(topic -> owners.putIfAbsent(spelling(topic), topic));
    }

    /** The existing or routed topic {@code topic} collides with, or null when its spelling is free or its own. */
    String collision(String topic) {
        String owner = owners.get(spelling(topic));
        return owner == null || owner.equals(topic) ? null : owner;
    }

    /**
     * {@code topic} owns its spelling from now on; called only for a row that is relayed there, so
     * that a row dead-lettered for another reason claims nothing.
     */
    void claim(String topic) {
        owners.putIfAbsent(spelling(topic), topic);
    }

    private static String spelling(String topic) {
        return topic.replace('.', '_');
    }
}
