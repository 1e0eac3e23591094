package io.onceonly.connector.routing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which column of the outbox table holds which field of the wire contract. The defaults are the
 * table of docs/design.md; a table laid out for Debezium's outbox router
 * ({@code id, aggregatetype, aggregateid, type, payload}) maps onto it too.
 *
 * @param id event id column
 * @param aggregateType aggregate type column (routes the topic)
 * @param aggregateId aggregate id column (the record key)
 * @param eventType event type column
 * @param bizId biz-id column (the dedup key); may name the same column as another field
 * @param payload payload column (JSON)
 * @param headers extra headers column (JSON object of strings), if the table has one
 * @param createdAt creation time column, if the table has one; otherwise the commit time is used
 */
public record OutboxColumns(String id, String aggregateType, String aggregateId, String eventType, String bizId,
                            String payload, Optional<String> headers, Optional<String> createdAt) {

    public OutboxColumns {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(aggregateType, "aggregateType");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(bizId, "bizId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The layout of Once's own outbox table. */
    public static OutboxColumns standard() {
        return new OutboxColumns("id", "aggregate_type", "aggregate_id", "event_type", "biz_id", "payload",
                Optional.of("headers"), Optional.of("created_at"));
    }

    /** Every mapped column by the option that names it, for checks against the table at start. */
    public Map<String, String> byOption() {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("outbox.column.id", id);
        columns.put("outbox.column.aggregate-type", aggregateType);
        columns.put("outbox.column.aggregate-id", aggregateId);
        columns.put("outbox.column.event-type", eventType);
        columns.put("outbox.column.biz-id", bizId);
        columns.put("outbox.column.payload", payload);
        headers.ifPresent(c -> columns.put("outbox.column.headers", c));
        createdAt.ifPresent(c -> columns.put("outbox.column.created-at", c));
        return columns;
    }
}
