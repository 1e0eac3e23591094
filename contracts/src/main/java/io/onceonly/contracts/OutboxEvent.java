package io.onceonly.contracts;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.contracts.wire.OutboxTopics;
import io.onceonly.contracts.wire.Violations;
import io.onceonly.contracts.wire.WireLimits;

/**
 * One event to be written to the outbox table in the business transaction. Immutable; built and
 * validated by {@link #builder()}, so that a bad event fails in the caller's code, before anything
 * reaches the database.
 */
public final class OutboxEvent {

    /**
     * Default upper bound of a payload, in UTF-8 bytes: {@link WireLimits#DEFAULT_MAX_EVENT_BYTES},
     * since a payload alone larger than the whole event may be can never be written. This is an early
     * check in the caller's code; {@link OutboxWriter} makes the exact one, on the payload as
     * PostgreSQL renders it plus the rest of the record.
     */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = WireLimits.DEFAULT_MAX_EVENT_BYTES;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = MAPPER.getFactory();

    private final UUID id;
    private final String aggregateType;
    private final String aggregateId;
    private final String eventType;
    private final String bizId;
    private final String payload;
    private final Map<String, String> headers;

    private OutboxEvent(Builder b) {
        this.id = b.id != null ? b.id : TimeOrderedUuid.next();
        this.aggregateType = b.aggregateType;
        this.aggregateId = b.aggregateId;
        this.eventType = b.eventType;
        this.bizId = b.bizId;
        this.payload = b.payload;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    }

    /** A builder; {@link Builder#build()} validates every field. */
    public static Builder builder() {
        return new Builder();
    }

    /** The event id: column {@code id}, header {@code once-event-id}. */
    public UUID id() {
        return id;
    }

    /** Routes the topic ({@code outbox.<aggregateType>}). */
    public String aggregateType() {
        return aggregateType;
    }

    /** The Kafka record key: events of one aggregate keep their order. */
    public String aggregateId() {
        return aggregateId;
    }

    /** Header {@code once-event-type}. */
    public String eventType() {
        return eventType;
    }

    /** The business id, the dedup key: header {@code once-biz-id}. */
    public String bizId() {
        return bizId;
    }

    /** The payload as JSON text; it becomes the record value. */
    public String payload() {
        return payload;
    }

    /** Extra headers (tracing and the like), in insertion order. */
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof OutboxEvent)) {
            return false;
        }
        OutboxEvent other = (OutboxEvent) o;
        return id.equals(other.id) && aggregateType.equals(other.aggregateType) && aggregateId.equals(other.aggregateId)
                && eventType.equals(other.eventType) && bizId.equals(other.bizId) && payload.equals(other.payload)
                && headers.equals(other.headers);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        // The payload may be large or personal: only its size is shown.
        return "OutboxEvent{id=" + id + ", aggregateType=" + aggregateType + ", aggregateId=" + aggregateId
                + ", eventType=" + eventType + ", bizId=" + bizId + ", payload=" + payload.length() + " chars"
                + ", headers=" + headers.keySet() + "}";
    }

    /** Builds an {@link OutboxEvent}; not thread-safe, use one per event. */
    public static final class Builder {
        private UUID id;
        private String aggregateType;
        private String aggregateId;
        private String eventType;
        private String bizId;
        private String payload;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;

        private Builder() {
        }

        /** Sets the event id; by default a new time-ordered UUID (index-friendly on insert). */
        public Builder id(UUID id) {
            this.id = id;
            return this;
        }

        /** Required; must match {@value OutboxTopics#AGGREGATE_TYPE_RULE}. */
        public Builder aggregateType(String aggregateType) {
            this.aggregateType = aggregateType;
            return this;
        }

        /** Required; the record key; at most {@value WireLimits#MAX_AGGREGATE_ID_BYTES} bytes of UTF-8. */
        public Builder aggregateId(String aggregateId) {
            this.aggregateId = aggregateId;
            return this;
        }

        /** Required. */
        public Builder eventType(String eventType) {
            this.eventType = eventType;
            return this;
        }

        /**
         * Required; the business's own id for this fact, for example the payment id; at most
         * {@value WireLimits#MAX_BIZ_ID_BYTES} bytes of UTF-8.
         */
        public Builder bizId(String bizId) {
            this.bizId = bizId;
            return this;
        }

        /** Required; JSON text (object, array or scalar). */
        public Builder payloadJson(String json) {
            this.payload = json;
            return this;
        }

        /**
         * Sets the payload by serializing {@code value} with a plain Jackson {@link ObjectMapper}.
         *
         * @throws IllegalArgumentException when Jackson cannot serialize the value
         */
        public Builder payload(Object value) {
            try {
                this.payload = MAPPER.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("payload of type " + (value == null ? "null" : value.getClass().getName())
                        + " cannot be serialized to JSON: " + e.getOriginalMessage(), e);
            }
            return this;
        }

        /** Adds an extra header; names starting with {@value OnceHeaders#PREFIX} are reserved. */
        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Adds extra headers. */
        public Builder headers(Map<String, String> extra) {
            headers.putAll(extra);
            return this;
        }

        /** Upper bound of the payload in UTF-8 bytes (default {@value OutboxEvent#DEFAULT_MAX_PAYLOAD_BYTES}). */
        public Builder maxPayloadBytes(int maxPayloadBytes) {
            if (maxPayloadBytes <= 0) {
                throw new IllegalArgumentException(Violations.describe("maxPayloadBytes", maxPayloadBytes, "must be positive"));
            }
            this.maxPayloadBytes = maxPayloadBytes;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the field, the bad value and the rule it broke
         */
        public OutboxEvent build() {
            requireText("aggregateType", aggregateType);
            if (!OutboxTopics.isValidAggregateType(aggregateType)) {
                throw new IllegalArgumentException(Violations.describe("aggregateType", aggregateType,
                        "must match " + OutboxTopics.AGGREGATE_TYPE_RULE + " because it becomes part of the topic name "
                                + OutboxTopics.DEFAULT_PREFIX + "<aggregateType>"));
            }
            requireText("aggregateId", aggregateId);
            requireAtMost("aggregateId", aggregateId, WireLimits.MAX_AGGREGATE_ID_BYTES, "WireLimits.MAX_AGGREGATE_ID_BYTES");
            requireText("eventType", eventType);
            requireText("bizId", bizId);
            requireAtMost("bizId", bizId, WireLimits.MAX_BIZ_ID_BYTES, "WireLimits.MAX_BIZ_ID_BYTES");
            requirePayload();
            headers.forEach((name, value) -> {
                requireText("header name", name);
                if (OnceHeaders.isReserved(name)) {
                    throw new IllegalArgumentException(Violations.describe("header name", name,
                            "is reserved: names starting with '" + OnceHeaders.PREFIX + "' belong to Once's own headers"));
                }
                if (value == null || value.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException(Violations.describe("header " + name, value,
                            "must be a string without NUL characters"));
                }
            });
            return new OutboxEvent(this);
        }

        private static void requireText(String field, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(Violations.describe(field, value, "must not be blank"));
            }
            // PostgreSQL text columns cannot store NUL: fail here, not in the middle of the business transaction.
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(Violations.describe(field, value, "must not contain NUL characters"));
            }
        }

        private static void requireAtMost(String field, String value, int maxBytes, String limitName) {
            int bytes = WireLimits.utf8Length(value);
            if (bytes > maxBytes) {
                throw new IllegalArgumentException(Violations.describe(field, value, "is " + bytes
                        + " bytes of UTF-8, over the limit of " + maxBytes + " (" + limitName + ")"));
            }
        }

        private void requirePayload() {
            if (payload == null || payload.isBlank()) {
                throw new IllegalArgumentException(Violations.describe("payload", payload, "must be JSON text, not blank"));
            }
            requireAtMost("payload", payload, maxPayloadBytes, "maxPayloadBytes");
            try (JsonParser parser = JSON.createParser(payload)) {
                // One JSON value and nothing after it, as jsonb demands; jsonb also refuses \u0000 in strings.
                int depth = 0;
                JsonToken token = parser.nextToken();
                do {
                    if (token.isStructStart()) {
                        depth++;
                    } else if (token.isStructEnd()) {
                        depth--;
                    } else if ((token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME)
                            && parser.getText().indexOf('\0') >= 0) {
                        throw new IllegalArgumentException(Violations.describe("payload", payload,
                                "contains a \\u0000 character, which PostgreSQL jsonb cannot store"));
                    }
                    token = depth > 0 ? parser.nextToken() : null;
                } while (token != null);
                if (parser.nextToken() != null) {
                    throw new IllegalArgumentException(Violations.describe("payload", payload,
                            "must be a single JSON value, but text follows it at char " + parser.currentTokenLocation().getCharOffset()));
                }
            } catch (IOException e) {
                String reason = e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage();
                throw new IllegalArgumentException(Violations.describe("payload", payload, "is not valid JSON: " + reason), e);
            }
        }
    }
}
