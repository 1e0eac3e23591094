package io.onceonly.connector.relay;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What keeps the relay from advancing: a record Kafka keeps refusing, so the position cannot move
 * past it. Shown on {@code /health} and logged with the fix until it is resolved.
 *
 * @param eventId the outbox row's event id, or null when the record has none
 * @param topic the topic the record is for
 * @param error Kafka's error, as it said it
 * @param fix what the operator does about it
 */
public record Blockage(String eventId, String topic, String error, String fix) {

    /** The record as /health shows it. */
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("eventId", eventId);
        d.put("topic", topic);
        d.put("error", error);
        d.put("fix", fix);
        return d;
    }

    /** One line for the log. */
    public String describe() {
        return "row " + (eventId == null ? "(no event id)" : eventId) + " for topic " + topic + " is refused by Kafka (" + error + "): " + fix;
    }
}
