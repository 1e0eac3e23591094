package io.onceonly.contracts.wire;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * The typed view of a relayed record's {@code once-*} headers.
 *
 * @param eventId the outbox row's id
 * @param bizId the business id, the dedup key
 * @param eventType the event type
 * @param aggregateType the aggregate type the record was routed by
 * @param createdAt when the outbox row was written
 */
public record EventMetadata(UUID eventId, String bizId, String eventType, String aggregateType, Instant createdAt) {

    public EventMetadata {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(bizId, "bizId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(aggregateType, "aggregateType");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * Reads the headers of a consumed record.
     *
     * @throws InvalidHeadersException naming the header and the record's topic, partition and
     *     offset when a header is missing or unreadable
     */
    public static EventMetadata of(ConsumerRecord<?, ?> record) {
        return read(record.headers(), record.topic() + "-" + record.partition() + "@" + record.offset());
    }

    /**
     * Reads a header set whose record position is not known (in a serializer, a Streams processor).
     *
     * @throws InvalidHeadersException naming the header when one is missing or unreadable
     */
    public static EventMetadata of(Headers headers) {
        return read(headers, "the record");
    }

    /** Adds the {@code once-*} headers of this event to {@code headers}. */
    public void writeTo(Headers headers) {
        headers.add(OnceHeaders.EVENT_ID, OnceHeaders.text(eventId.toString()));
        headers.add(OnceHeaders.BIZ_ID, OnceHeaders.text(bizId));
        headers.add(OnceHeaders.EVENT_TYPE, OnceHeaders.text(eventType));
        headers.add(OnceHeaders.AGGREGATE_TYPE, OnceHeaders.text(aggregateType));
        headers.add(OnceHeaders.CREATED_AT, OnceHeaders.text(Long.toString(createdAt.toEpochMilli())));
    }

    private static EventMetadata read(Headers headers, String where) {
        String eventId = required(headers, OnceHeaders.EVENT_ID, where);
        UUID id;
        try {
            id = UUID.fromString(eventId);
        } catch (IllegalArgumentException e) {
            throw new InvalidHeadersException(where + ": header " + OnceHeaders.EVENT_ID + " "
                    + Violations.show(eventId) + " is not a UUID");
        }
        String createdAt = required(headers, OnceHeaders.CREATED_AT, where);
        Instant created;
        try {
            created = Instant.ofEpochMilli(Long.parseLong(createdAt));
        } catch (NumberFormatException e) {
            throw new InvalidHeadersException(where + ": header " + OnceHeaders.CREATED_AT + " "
                    + Violations.show(createdAt) + " is not epoch milliseconds");
        }
        return new EventMetadata(id,
                required(headers, OnceHeaders.BIZ_ID, where),
                required(headers, OnceHeaders.EVENT_TYPE, where),
                required(headers, OnceHeaders.AGGREGATE_TYPE, where),
                created);
    }

    private static String required(Headers headers, String name, String where) {
        return OnceHeaders.lastText(headers, name)
                .filter(value -> !value.isBlank())
                .orElseThrow(() -> new InvalidHeadersException(where + " has no header " + name
                        + " (or it is empty): records relayed by the Once connector always carry it;"
                        + " was this record produced by something else?"));
    }
}
