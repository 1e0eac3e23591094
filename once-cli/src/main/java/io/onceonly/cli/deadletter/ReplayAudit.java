package io.onceonly.cli.deadletter;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.onceonly.cli.Json;
import io.onceonly.cli.kafka.RecordAddress;
import io.onceonly.contracts.wire.OnceHeaders;

/**
 * The record every replay leaves on the audit topic ({@code replay.audit.topic}), written in the same
 * Kafka transaction as the replayed record: key the biz-id (so {@code once trace} finds it), value a
 * JSON object saying what went where, forced or not, repaired or not, when and by whom. The replayed
 * record itself carries no new header: downstream sees exactly what the connector would have written.
 */
public final class ReplayAudit {

    private ReplayAudit() {
    }

    /** The audit record of {@code replay}, written as {@code written}. */
    static ProducerRecord<byte[], byte[]> record(String auditTopic, Replay replay, RecordMetadata written, Instant at, String by) {
        ObjectNode value = Json.object();
        value.put("deadLetter", replay.from().toString());
        value.put("replayedTo", new RecordAddress(written.topic(), written.partition(), written.offset()).toString());
        value.put("bizId", replay.bizId());
        value.put("eventId", replay.eventId());
        value.put("forced", replay.forced());
        value.put("bypassed", replay.bypassed());
        value.put("repaired", replay.repaired());
        value.put("at", at.truncatedTo(ChronoUnit.MILLIS).toString());
        value.put("by", by);
        try {
            return new ProducerRecord<>(auditTopic, null, replay.bizId() == null ? null : OnceHeaders.text(replay.bizId()),
                    Json.mapper().writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the audit record as JSON", e);
        }
    }

    /** The dead letter an audit record says was replayed ({@code topic:partition:offset}). */
    public static Optional<String> deadLetterOf(byte[] value) {
        return field(value, "deadLetter");
    }

    /** Where the replayed record was written ({@code topic:partition:offset}). */
    public static Optional<String> replayedToOf(byte[] value) {
        return field(value, "replayedTo");
    }

    /** The event id of the replayed record, when it has one. */
    public static Optional<String> eventIdOf(byte[] value) {
        return field(value, "eventId");
    }

    private static Optional<String> field(byte[] value, String name) {
        try {
            JsonNode field = Json.mapper().readTree(value).get(name);
            return field == null || field.isNull() ? Optional.empty() : Optional.of(field.asText());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** An audit record's value in a line of a trace: {@code outbox.dead-letter:0:3 -> outbox.payment:1:7 by alice}. */
    public static String describe(byte[] value) {
        try {
            JsonNode audit = Json.mapper().readTree(value);
            return audit.path("deadLetter").asText("?") + " -> " + audit.path("replayedTo").asText("?")
                    + " by " + audit.path("by").asText("?")
                    + (audit.path("forced").asBoolean() ? ", forced past the dedup stage" : "")
                    + (audit.path("repaired").asBoolean() ? ", repaired" : "");
        } catch (IOException | RuntimeException e) {
            return "(an audit record that is not JSON)";
        }
    }
}
