package io.onceonly.connector.routing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import io.debezium.connector.AbstractSourceInfo;
import io.debezium.data.Envelope.FieldName;
import io.debezium.data.Envelope.Operation;
import io.debezium.data.Json;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.NanoTimestamp;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.contracts.wire.OutboxTopics;
import io.onceonly.contracts.wire.Violations;
import io.onceonly.contracts.wire.WireLimits;

/**
 * Turns one Debezium change event of the outbox table into the Kafka record of the wire contract
 * (docs/design.md), or into a dead letter with a reason, or into nothing (updates, deletes,
 * heartbeats). Pure: no I/O, so it is tested without servers.
 */
public final class OutboxRouter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory JSON_FACTORY = JSON.getFactory();

    private final String topicPrefix;
    private final String deadLetterTopic;
    private final String schemaName;
    private final String tableName;
    private final OutboxColumns columns;
    private final TopicCollisions collisions = new TopicCollisions();

    /**
     * @param outboxTable {@code schema.table} of the outbox
     */
    public OutboxRouter(String topicPrefix, String deadLetterTopic, String outboxTable, OutboxColumns columns) {
        this.topicPrefix = topicPrefix;
        this.deadLetterTopic = deadLetterTopic;
        int dot = outboxTable.indexOf('.');
        this.schemaName = outboxTable.substring(0, dot);
        this.tableName = outboxTable.substring(dot + 1);
        this.columns = columns;
    }

    /**
     * Tells the router which topics exist in the cluster, so that a new aggregate type whose topic
     * Kafka would refuse as colliding with one of them is dead-lettered from the first row.
     */
    public void existingTopics(java.util.Collection<String> topics) {
        collisions.knownTopics(topics);
    }

    /** Routes one change event. */
    public Routed route(SourceRecord change) {
        if (!(change.value() instanceof Struct)) {
            return new Routed.Skip(); // a tombstone or a record without an envelope
        }
        Struct envelope = (Struct) change.value();
        Schema schema = envelope.schema();
        if (schema.field(FieldName.OPERATION) == null || schema.field(FieldName.SOURCE) == null) {
            return new Routed.Skip(); // a heartbeat or a metadata record
        }
        Struct source = envelope.getStruct(FieldName.SOURCE);
        if (!schemaName.equals(source.getString(AbstractSourceInfo.SCHEMA_NAME_KEY))
                || !tableName.equals(source.getString(AbstractSourceInfo.TABLE_NAME_KEY))) {
            return new Routed.Skip(); // a change of another table
        }
        String op = envelope.getString(FieldName.OPERATION);
        if (!Operation.CREATE.code().equals(op) && !Operation.READ.code().equals(op)) {
            return new Routed.Skip(); // updates and deletes of outbox rows are not events
        }
        Struct row = envelope.getStruct(FieldName.AFTER);
        return routeRow(new RowFields(row, text(row, columns.id()), text(row, columns.aggregateId()), text(row, columns.bizId()),
                source.getInt64(AbstractSourceInfo.TIMESTAMP_KEY)));
    }

    /**
     * What a dead letter carries of its row besides the row itself: the key (aggregate id) and the
     * headers that find it again (event id, biz-id), and the commit time. A value over its wire limit
     * is left out of them: the row keeps it.
     */
    private record RowFields(Struct row, String id, String aggregateId, String bizId, long commitMillis) {

        RowFields withoutBizId() {
            return new RowFields(row, id, aggregateId, null, commitMillis);
        }

        RowFields withoutAggregateId() {
            return new RowFields(row, id, null, bizId, commitMillis);
        }
    }

    private Routed routeRow(RowFields fields) {
        Struct row = fields.row();
        String id = fields.id();
        String aggregateType = text(row, columns.aggregateType());
        String aggregateId = fields.aggregateId();
        String eventType = text(row, columns.eventType());
        String bizId = fields.bizId();
        Instant createdAt;
        try {
            createdAt = columns.createdAt().map(c -> instant(row, c)).orElse(null);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return deadLetter(fields, "created-at column " + columns.createdAt().get() + " is not a time: " + e.getMessage());
        }
        if (createdAt == null) {
            createdAt = Instant.ofEpochMilli(fields.commitMillis());
        }

        if (id == null || id.isBlank()) {
            return deadLetter(fields, "event id (column " + columns.id() + ") is null or blank");
        }
        if (!OutboxTopics.isValidAggregateType(aggregateType)) {
            return deadLetter(fields, Violations.describe("aggregate type (column " + columns.aggregateType() + ")", aggregateType,
                    "cannot be part of a topic name: it must match " + OutboxTopics.AGGREGATE_TYPE_RULE
                            + "; was the row written without OutboxWriter?"));
        }
        String topic = topicPrefix + aggregateType;
        if (topic.length() > OutboxTopics.MAX_TOPIC_LENGTH) {
            return deadLetter(fields, "topic " + topic.substring(0, 60) + "... is longer than Kafka's limit of "
                    + OutboxTopics.MAX_TOPIC_LENGTH + " characters");
        }
        String owner = collisions.collision(topic);
        if (owner != null) {
            return deadLetter(fields, "topic " + topic + " collides with the existing topic " + owner + ": Kafka treats '.' and"
                    + " '_' in topic names alike and refuses the second; use one spelling of the aggregate type (column "
                    + columns.aggregateType() + ")");
        }
        if (bizId == null || bizId.isBlank()) {
            return deadLetter(fields, "biz-id (column " + columns.bizId() + ") is null or blank: the dedup stage needs it to drop duplicates");
        }
        if (aggregateId == null) {
            return deadLetter(fields, "aggregate id (column " + columns.aggregateId()
                    + ") is null: the record would have no key and lose its per-aggregate order");
        }
        if (WireLimits.utf8Length(bizId) > WireLimits.MAX_BIZ_ID_BYTES) {
            return deadLetter(fields.withoutBizId(), overLimit("biz-id", columns.bizId(), bizId, WireLimits.MAX_BIZ_ID_BYTES));
        }
        if (WireLimits.utf8Length(aggregateId) > WireLimits.MAX_AGGREGATE_ID_BYTES) {
            return deadLetter(fields.withoutAggregateId(),
                    overLimit("aggregate id", columns.aggregateId(), aggregateId, WireLimits.MAX_AGGREGATE_ID_BYTES));
        }
        if (eventType == null || eventType.isBlank()) {
            return deadLetter(fields, "event type (column " + columns.eventType() + ") is null or blank");
        }
        byte[] payload = payloadBytes(row);
        if (payload == null) {
            return deadLetter(fields, "payload (column " + columns.payload() + ") is null");
        }
        String notJson = isJsonColumn(row, columns.payload()) ? null : jsonProblem(payload);
        if (notJson != null) {
            return deadLetter(fields, "payload (column " + columns.payload() + ") is not JSON: " + notJson);
        }

        RecordHeaders headers = new RecordHeaders();
        headers.add(OnceHeaders.EVENT_ID, OnceHeaders.text(id));
        headers.add(OnceHeaders.BIZ_ID, OnceHeaders.text(bizId));
        headers.add(OnceHeaders.EVENT_TYPE, OnceHeaders.text(eventType));
        headers.add(OnceHeaders.AGGREGATE_TYPE, OnceHeaders.text(aggregateType));
        headers.add(OnceHeaders.CREATED_AT, OnceHeaders.text(Long.toString(createdAt.toEpochMilli())));
        if (columns.headers().isPresent()) {
            String problem = addExtraHeaders(text(row, columns.headers().get()), headers);
            if (problem != null) {
                return deadLetter(fields, "headers (column " + columns.headers().get() + ") " + problem);
            }
        }
        collisions.claim(topic);
        return new Routed.Relay(new ProducerRecord<>(topic, null, aggregateId.getBytes(StandardCharsets.UTF_8), payload, headers),
                createdAt);
    }

    private static String overLimit(String what, String column, String value, int limit) {
        return what + " (column " + column + ") is " + WireLimits.utf8Length(value) + " bytes, over the limit of " + limit
                + " (OutboxWriter refuses it; was the row written by raw SQL?)";
    }

    private Routed deadLetter(RowFields fields, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(OnceHeaders.ERROR, OnceHeaders.text(reason));
        if (fields.id() != null) {
            headers.add(OnceHeaders.EVENT_ID, OnceHeaders.text(fields.id()));
        }
        if (fields.bizId() != null) {
            headers.add(OnceHeaders.BIZ_ID, OnceHeaders.text(fields.bizId()));
        }
        headers.add(OnceHeaders.CREATED_AT, OnceHeaders.text(Long.toString(fields.commitMillis())));
        byte[] key = fields.aggregateId() == null ? null : fields.aggregateId().getBytes(StandardCharsets.UTF_8);
        return new Routed.DeadLetter(new ProducerRecord<>(deadLetterTopic, null, key, rowAsJson(fields.row()), headers), reason);
    }

    // The whole row, so that a person can repair and replay it: nothing is lost.
    private static byte[] rowAsJson(Struct row) {
        ObjectNode node = JSON.createObjectNode();
        for (Field field : row.schema().fields()) {
            Object value = row.get(field);
            if (value == null) {
                node.putNull(field.name());
            } else if (value instanceof ByteBuffer || value instanceof byte[]) {
                node.put(field.name(), new String(bytes(value), StandardCharsets.UTF_8));
            } else {
                node.put(field.name(), value.toString());
            }
        }
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a row as JSON", e);
        }
    }

    private String addExtraHeaders(String json, RecordHeaders headers) {
        if (json == null || json.isBlank() || json.equals("null")) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return "is not JSON: " + e.getOriginalMessage();
        }
        if (!node.isObject()) {
            return "must be a JSON object of string values, got " + node.getNodeType();
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            if (OnceHeaders.isReserved(header.getKey())) {
                return "uses the reserved name " + header.getKey();
            }
            JsonNode value = header.getValue();
            if (value.isContainerNode()) {
                return "value of " + header.getKey() + " must be a string, got " + value.getNodeType();
            }
            if (!value.isNull()) {
                headers.add(header.getKey(), OnceHeaders.text(value.asText()));
            }
        }
        return null;
    }

    private static String text(Struct row, String column) {
        Object value = row.get(column);
        if (value == null) {
            return null;
        }
        if (value instanceof ByteBuffer || value instanceof byte[]) {
            return new String(bytes(value), StandardCharsets.UTF_8);
        }
        return value.toString();
    }

    private byte[] payloadBytes(Struct row) {
        Object value = row.get(columns.payload());
        if (value == null) {
            return null;
        }
        if (value instanceof ByteBuffer || value instanceof byte[]) {
            return bytes(value);
        }
        // jsonb arrives as its JSON text: use it as it is, never encode it a second time.
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isJsonColumn(Struct row, String column) {
        Field field = row.schema().field(column);
        return field != null && Json.LOGICAL_NAME.equals(field.schema().name());
    }

    private static String jsonProblem(byte[] payload) {
        try (JsonParser parser = JSON_FACTORY.createParser(payload)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return "it is empty";
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                return "text follows the JSON value";
            }
            return null;
        } catch (JsonProcessingException e) {
            return e.getOriginalMessage();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static Instant instant(Struct row, String column) {
        Object value = row.get(column);
        if (value == null) {
            return null;
        }
        if (value instanceof String) {
            return OffsetDateTime.parse((String) value).toInstant();
        }
        if (value instanceof java.util.Date) {
            return ((java.util.Date) value).toInstant();
        }
        if (value instanceof Long) {
            String logical = row.schema().field(column).schema().name();
            long v = (Long) value;
            if (MicroTimestamp.SCHEMA_NAME.equals(logical)) {
                return Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1000L);
            }
            if (NanoTimestamp.SCHEMA_NAME.equals(logical)) {
                return Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L));
            }
            return Instant.ofEpochMilli(v);
        }
        throw new IllegalArgumentException("unsupported value " + value.getClass().getSimpleName());
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[]) {
            return (byte[]) value;
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
