package io.onceonly.cli.deadletter;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.fasterxml.jackson.databind.JsonNode;

import io.onceonly.cli.CommandFailure;
import io.onceonly.cli.Json;
import io.onceonly.cli.config.AppSettings;
import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.contracts.wire.OutboxTopics;
import io.onceonly.contracts.wire.WireLimits;

/**
 * An outbox row as the connector dead-letters it (a JSON object of the row's columns, values as
 * text), read with the connector's column names and turned into the record the connector would have
 * relayed: key the aggregate id, value the payload, the {@code once-*} headers and the row's extra
 * headers. What the connector would refuse is refused here too, naming the column to repair.
 */
final class ConnectorRow {

    private final JsonNode row;
    private final AppSettings connector;
    private final String repairHint;

    /**
     * @param repairHint how to repair the row ({@code ": once dead-letters show ..."}), ending the refusal messages
     * @throws CommandFailure when {@code json} is not a JSON object
     */
    ConnectorRow(byte[] json, AppSettings connector, String repairHint) {
        JsonNode parsed;
        try {
            parsed = json == null ? null : Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new CommandFailure("the dead letter's value is not the JSON object of a row (" + e.getMessage() + "); repair it" + repairHint);
        }
        if (parsed == null || !parsed.isObject()) {
            throw new CommandFailure("the dead letter's value is not the JSON object of a row; repair it" + repairHint);
        }
        this.row = parsed;
        this.connector = connector;
        this.repairHint = repairHint;
    }

    /** The row's aggregate type, if it can name a topic. */
    Optional<String> routableAggregateType() {
        return text(ConnectorOptions.COLUMN_AGGREGATE_TYPE).filter(OutboxTopics::isValidAggregateType);
    }

    String aggregateTypeAsWritten() {
        return text(ConnectorOptions.COLUMN_AGGREGATE_TYPE).orElse("(null)");
    }

    Optional<String> bizId() {
        return text(ConnectorOptions.COLUMN_BIZ_ID).filter(s -> !s.isBlank());
    }

    Optional<String> eventId() {
        return text(ConnectorOptions.COLUMN_ID).filter(s -> !s.isBlank());
    }

    /** The record key: the aggregate id. */
    byte[] key() {
        return OnceHeaders.text(required(ConnectorOptions.COLUMN_AGGREGATE_ID, "the record key", false));
    }

    /** The record value: the payload, which must be JSON. */
    byte[] value() {
        String payload = required(ConnectorOptions.COLUMN_PAYLOAD, "the record value", false);
        try {
            Json.mapper().readTree(payload);
        } catch (IOException e) {
            throw refusal(ConnectorOptions.COLUMN_PAYLOAD, "is not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        return OnceHeaders.text(payload);
    }

    /**
     * The headers the connector writes for the row.
     *
     * @param aggregateType the aggregate type of the topic it goes to
     * @param deadLetterCreatedAt the dead letter's {@code once-created-at}, used when the row has no creation time
     */
    Headers headers(String aggregateType, Optional<String> deadLetterCreatedAt) {
        String bizId = required(ConnectorOptions.COLUMN_BIZ_ID, "the dedup key", true);
        if (WireLimits.utf8Length(bizId) > WireLimits.MAX_BIZ_ID_BYTES) {
            throw refusal(ConnectorOptions.COLUMN_BIZ_ID, "is over " + WireLimits.MAX_BIZ_ID_BYTES + " bytes");
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(OnceHeaders.EVENT_ID, OnceHeaders.text(required(ConnectorOptions.COLUMN_ID, "the event id", true)));
        headers.add(OnceHeaders.BIZ_ID, OnceHeaders.text(bizId));
        headers.add(OnceHeaders.EVENT_TYPE, OnceHeaders.text(required(ConnectorOptions.COLUMN_EVENT_TYPE, "the event type", true)));
        headers.add(OnceHeaders.AGGREGATE_TYPE, OnceHeaders.text(aggregateType));
        headers.add(OnceHeaders.CREATED_AT, OnceHeaders.text(Long.toString(createdAt(deadLetterCreatedAt).toEpochMilli())));
        extraHeaders(headers);
        return headers;
    }

    private Instant createdAt(Optional<String> deadLetterCreatedAt) {
        Optional<String> created = connector.string(ConnectorOptions.COLUMN_CREATED_AT).isEmpty() ? Optional.empty()
                : text(ConnectorOptions.COLUMN_CREATED_AT);
        if (created.isPresent()) {
            try {
                return OffsetDateTime.parse(created.get()).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return Instant.ofEpochMilli(Long.parseLong(created.get()));
                } catch (NumberFormatException notMillis) {
                    throw refusal(ConnectorOptions.COLUMN_CREATED_AT, "is not a time (" + created.get() + ")");
                }
            }
        }
        try {
            return deadLetterCreatedAt.map(ms -> Instant.ofEpochMilli(Long.parseLong(ms))).orElseGet(Instant::now);
        } catch (NumberFormatException e) {
            return Instant.now();
        }
    }

    private void extraHeaders(RecordHeaders headers) {
        String column = connector.string(ConnectorOptions.COLUMN_HEADERS);
        Optional<String> json = column.isEmpty() ? Optional.empty() : text(ConnectorOptions.COLUMN_HEADERS);
        if (json.isEmpty() || json.get().isBlank() || json.get().equals("null")) {
            return;
        }
        JsonNode extra;
        try {
            extra = Json.mapper().readTree(json.get());
        } catch (IOException e) {
            throw refusal(ConnectorOptions.COLUMN_HEADERS, "is not JSON");
        }
        if (!extra.isObject()) {
            throw refusal(ConnectorOptions.COLUMN_HEADERS, "is not a JSON object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = extra.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            if (OnceHeaders.isReserved(header.getKey())) {
                throw refusal(ConnectorOptions.COLUMN_HEADERS, "uses the reserved name " + header.getKey());
            }
            if (header.getValue().isContainerNode()) {
                throw refusal(ConnectorOptions.COLUMN_HEADERS, "has a value of " + header.getKey() + " that is not a string");
            }
            if (!header.getValue().isNull()) {
                headers.add(header.getKey(), OnceHeaders.text(header.getValue().asText()));
            }
        }
    }

    private String required(String option, String role, boolean notBlank) {
        Optional<String> value = text(option);
        if (value.isEmpty() || notBlank && value.get().isBlank()) {
            throw refusal(option, "is null" + (notBlank ? " or blank" : "") + ", and it is " + role);
        }
        return value.get();
    }

    private Optional<String> text(String option) {
        JsonNode value = row.get(connector.string(option));
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    private CommandFailure refusal(String option, String problem) {
        return new CommandFailure("the row cannot be replayed: its column " + connector.string(option) + " (connector."
                + option + ") " + problem + "; repair the row" + repairHint);
    }
}
