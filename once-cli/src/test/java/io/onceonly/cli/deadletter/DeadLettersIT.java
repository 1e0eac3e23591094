package io.onceonly.cli.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.onceonly.cli.CliRun;
import io.onceonly.cli.config.CliOptions;
import io.onceonly.cli.kafka.RecordText;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.stack.KafkaService;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.WithStack;

/**
 * {@code once dead-letters list|show|replay} on dead letters written as the connector and the dedup
 * app write them: the connector's carry the whole row as the value and once-error, once-event-id,
 * once-biz-id and once-created-at; the dedup app's the record read plus a once-error starting with its
 * input position.
 */
@WithStack
class DeadLettersIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNROUTABLE_ID = "01a23000-0000-7000-8000-000000000009";
    private static final String NO_BIZ_ID_ID = "01a23000-0000-7000-8000-000000000010";
    private static final Instant CREATED = Instant.parse("2026-12-01T10:00:00.123Z");

    private static KafkaService kafka;

    @BeforeAll
    static void deadLetters(KafkaService service) throws Exception {
        kafka = service;
        for (String topic : List.of("outbox.dead-letter", "dedup.dead-letter", "outbox.orders")) {
            kafka.createTopic(topic, 1);
        }
        kafka.createTopic("outbox.payment", 2);
        kafka.createTopic("deduped.payment", 2);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            // outbox.dead-letter:0:0, a row whose aggregate type names no topic
            producer.send(connectorDeadLetter("user-9", row(UNROUTABLE_ID, "bad type!", "user-9", "OrderPlaced", "order-9",
                    "{\"items\": 3}", "{\"traceparent\": \"00-abc\"}"), "order-9", UNROUTABLE_ID,
                    "aggregate type (column aggregate_type) 'bad type!' cannot be part of a topic name")).get();
            // outbox.dead-letter:0:1, a row without a biz-id
            producer.send(connectorDeadLetter("user-10", row(NO_BIZ_ID_ID, "payment", "user-10", "PaymentCompleted", "",
                    "{\"cents\": 10}", null), null, NO_BIZ_ID_ID,
                    "biz-id (column biz_id) is null or blank: the dedup stage needs it to drop duplicates")).get();
            // dedup.dead-letter:0:0 and 0:1, records the dedup app could not forward
            producer.send(dedupDeadLetter("user-11", "pay-11", "outbox.payment-1@7")).get();
            producer.send(dedupDeadLetter("user-12", "pay-12", "outbox.payment-0@3")).get();
        }
    }

    private static String row(String id, String aggregateType, String aggregateId, String eventType, String bizId,
                              String payload, String headers) {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", id);
        row.put("aggregate_type", aggregateType);
        row.put("aggregate_id", aggregateId);
        row.put("event_type", eventType);
        row.put("biz_id", bizId);
        row.put("payload", payload);
        row.put("headers", headers);
        row.put("created_at", "2026-12-01T10:00:00.123000Z");
        return row.toString();
    }

    private static ProducerRecord<byte[], byte[]> connectorDeadLetter(String key, String row, String bizId, String eventId, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(OnceHeaders.ERROR, OnceHeaders.text(reason));
        headers.add(OnceHeaders.EVENT_ID, OnceHeaders.text(eventId));
        if (bizId != null) {
            headers.add(OnceHeaders.BIZ_ID, OnceHeaders.text(bizId));
        }
        headers.add(OnceHeaders.CREATED_AT, OnceHeaders.text(Long.toString(CREATED.toEpochMilli())));
        return new ProducerRecord<>("outbox.dead-letter", null, OnceHeaders.text(key), OnceHeaders.text(row), headers);
    }

    private static ProducerRecord<byte[], byte[]> dedupDeadLetter(String key, String bizId, String readAt) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(OnceHeaders.EVENT_ID, OnceHeaders.text("01a23000-0000-7000-8000-0000000000" + bizId.substring(4)));
        headers.add(OnceHeaders.BIZ_ID, OnceHeaders.text(bizId));
        headers.add(OnceHeaders.EVENT_TYPE, OnceHeaders.text("PaymentCompleted"));
        headers.add(OnceHeaders.AGGREGATE_TYPE, OnceHeaders.text("payment"));
        headers.add(OnceHeaders.CREATED_AT, OnceHeaders.text(Long.toString(CREATED.toEpochMilli())));
        headers.add("traceparent", OnceHeaders.text("00-def"));
        headers.add(OnceHeaders.ERROR, OnceHeaders.text(readAt + ": topic deduped.payment refused the record:"
                + " TopicAuthorizationException; grant the dedup app WRITE on it"));
        return new ProducerRecord<>("dedup.dead-letter", null, OnceHeaders.text(key), OnceHeaders.text("{\"cents\": 11}"), headers);
    }

    private static CliRun once(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--kafka.bootstrap.servers=" + kafka.bootstrapServers());
        CliRun run = CliRun.of(all.toArray(new String[0]));
        System.out.println("$ once " + String.join(" ", args) + "\n" + run);
        return run;
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        return TopicReader.read(kafka, topic, expected, Duration.ofSeconds(20), Duration.ofMillis(300));
    }

    private static List<JsonNode> audits(String deadLetter) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> audit : read(CliOptions.DEFAULT_REPLAY_AUDIT_TOPIC, 1)) {
            JsonNode value = JSON.readTree(audit.value());
            if (value.path("deadLetter").asText().equals(deadLetter)) {
                found.add(value);
            }
        }
        return found;
    }

    @Test
    void listShowsTheDeadLettersOfBothAppsWithTheirReasons() throws Exception {
        CliRun all = once("dead-letters", "list");
        CliRun connector = once("dead-letters", "list", "--topic", "connector", "--json");
        CliRun newest = once("dead-letters", "list", "--limit", "1");

        assertThat(all.code()).as(all.toString()).isZero();
        assertThat(all.out()).contains("outbox.dead-letter:0:0", "outbox.dead-letter:0:1", "dedup.dead-letter:0:0", "dedup.dead-letter:0:1",
                "order-9", "pay-11", "'bad type!' cannot be part of a topic name", "outbox.payment-1@7: topic deduped.payment refused",
                "4 dead letters");
        assertThat(JSON.readTree(connector.out())).hasSize(2);
        assertThat(JSON.readTree(connector.out()).get(1).path("reason").asText()).startsWith("biz-id (column biz_id) is null");
        assertThat(newest.out()).contains("dedup.dead-letter:0:1", "the 3 oldest left out").doesNotContain("outbox.dead-letter:0:0");
    }

    @Test
    void showPrintsTheWholeRecordAndWhereAReplayWouldGo() {
        CliRun row = once("dead-letters", "show", "outbox.dead-letter:0:0");
        CliRun record = once("dead-letters", "show", "0:0", "--topic", "dedup");
        CliRun value = once("dead-letters", "show", "outbox.dead-letter:0:0", "--value-only");

        assertThat(row.code()).as(row.toString()).isZero();
        assertThat(row.out()).contains("key      user-9", "once-error: aggregate type (column aggregate_type) 'bad type!'",
                "once-event-id: " + UNROUTABLE_ID, "\"aggregate_type\" : \"bad type!\"",
                "replay   not as it is: where outbox.dead-letter:0:0 belongs cannot be known", "--to TOPIC");
        assertThat(record.out()).contains("traceparent: 00-def", "replay   would go to outbox.payment, through the dedup stage");
        assertThat(value.out().strip()).startsWith("{\"id\":\"" + UNROUTABLE_ID + "\"");
    }

    @Test
    void aRowWhoseTopicCannotBeKnownIsRefusedUntilNamedThenRelayedAsTheConnectorWould() throws Exception {
        CliRun refused = once("dead-letters", "replay", "outbox.dead-letter:0:0");
        assertThat(refused.code()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains("where outbox.dead-letter:0:0 belongs cannot be known: its aggregate type 'bad type!'"
                + " cannot name a topic", "--to TOPIC");

        CliRun replayed = once("dead-letters", "replay", "outbox.dead-letter:0:0", "--to", "outbox.orders");

        assertThat(replayed.code()).as(replayed.toString()).isZero();
        assertThat(replayed.out()).contains("replayed outbox.dead-letter:0:0 to outbox.orders:0:0 (through the dedup stage");
        ConsumerRecord<byte[], byte[]> event = read("outbox.orders", 1).get(0);
        assertThat(RecordText.of(event.key())).isEqualTo("user-9");
        assertThat(RecordText.of(event.value())).isEqualTo("{\"items\": 3}");
        assertThat(RecordText.headers(event.headers())).containsExactly(
                Map.entry(OnceHeaders.EVENT_ID, UNROUTABLE_ID), Map.entry(OnceHeaders.BIZ_ID, "order-9"),
                Map.entry(OnceHeaders.EVENT_TYPE, "OrderPlaced"), Map.entry(OnceHeaders.AGGREGATE_TYPE, "orders"),
                Map.entry(OnceHeaders.CREATED_AT, Long.toString(CREATED.toEpochMilli())), Map.entry("traceparent", "00-abc"));
        List<JsonNode> audit = audits("outbox.dead-letter:0:0");
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).path("replayedTo").asText()).isEqualTo("outbox.orders:0:0");
        assertThat(audit.get(0).path("bizId").asText()).isEqualTo("order-9");
        assertThat(audit.get(0).path("forced").asBoolean()).isFalse();
        assertThat(audit.get(0).path("repaired").asBoolean()).isFalse();
    }

    @Test
    void aRowWithoutABizIdIsRefusedNamingTheColumnAndReplayedOnceRepaired() throws Exception {
        CliRun refused = once("dead-letters", "replay", "outbox.dead-letter:0:1");
        assertThat(refused.code()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains("the row cannot be replayed: its column biz_id (connector.outbox.column.biz-id) is null or blank",
                "once dead-letters show outbox.dead-letter:0:1 --value-only > row.json");

        ObjectNode row = (ObjectNode) JSON.readTree(once("dead-letters", "show", "outbox.dead-letter:0:1", "--value-only").out());
        row.put("biz_id", "pay-10");
        Path repaired = Files.createTempFile("row", ".json");
        Files.writeString(repaired, row.toString());
        CliRun replayed = once("dead-letters", "replay", "outbox.dead-letter:0:1", "--value-file", repaired.toString());

        assertThat(replayed.code()).as(replayed.toString()).isZero();
        assertThat(replayed.out()).contains("replayed outbox.dead-letter:0:1 to outbox.payment:");
        List<JsonNode> audit = audits("outbox.dead-letter:0:1");
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).path("repaired").asBoolean()).isTrue();
        assertThat(audit.get(0).path("bizId").asText()).isEqualTo("pay-10");
    }

    @Test
    void aDedupDeadLetterGoesBackToTheTopicItWasReadFromWithoutItsReason() throws Exception {
        CliRun replayed = once("dead-letters", "replay", "dedup.dead-letter:0:0");

        assertThat(replayed.code()).as(replayed.toString()).isZero();
        ConsumerRecord<byte[], byte[]> event = read("outbox.payment", 1).stream()
                .filter(r -> OnceHeaders.lastText(r.headers(), OnceHeaders.BIZ_ID).orElse("").equals("pay-11")).findFirst().orElseThrow();
        assertThat(RecordText.of(event.key())).isEqualTo("user-11");
        assertThat(new String(event.value(), StandardCharsets.UTF_8)).isEqualTo("{\"cents\": 11}");
        assertThat(RecordText.headers(event.headers())).doesNotContainKey(OnceHeaders.ERROR)
                .containsEntry("traceparent", "00-def").containsEntry(OnceHeaders.AGGREGATE_TYPE, "payment");
        assertThat(audits("dedup.dead-letter:0:0")).hasSize(1);
    }

    @Test
    void forceWritesToTheOutputSayingWhatItBypassesAndASecondForcedReplayNeedsAgain() throws Exception {
        CliRun forced = once("dead-letters", "replay", "dedup.dead-letter:0:1", "--force");

        assertThat(forced.code()).as(forced.toString()).isZero();
        assertThat(forced.err()).contains("warning: --force writes to deduped.payment and bypasses the dedup stage: biz-id pay-12"
                + " is not checked against the dedup store");
        assertThat(forced.out()).contains("to deduped.payment:", "(forced past the dedup stage)");
        assertThat(read("deduped.payment", 1)).anySatisfy(r ->
                assertThat(OnceHeaders.lastText(r.headers(), OnceHeaders.BIZ_ID)).contains("pay-12"));

        CliRun again = once("dead-letters", "replay", "dedup.dead-letter:0:1", "--force");
        assertThat(again.code()).as(again.toString()).isEqualTo(1);
        assertThat(again.err()).contains("dedup.dead-letter:0:1 was replayed before", "add --again");

        CliRun meant = once("dead-letters", "replay", "dedup.dead-letter:0:1", "--force", "--again");
        assertThat(meant.code()).as(meant.toString()).isZero();
        assertThat(audits("dedup.dead-letter:0:1")).hasSize(2).allSatisfy(a -> assertThat(a.path("forced").asBoolean()).isTrue());
    }

    @Test
    void badAddressesAndMissingOptionsAreNamed() {
        CliRun notAnAddress = once("dead-letters", "show", "abc");
        CliRun noTopic = once("dead-letters", "show", "0:5");
        CliRun outOfRange = once("dead-letters", "show", "0:99", "--topic", "dedup");
        CliRun notADeadLetterTopic = once("dead-letters", "replay", "outbox.payment:0:0");
        CliRun toAnOutput = once("dead-letters", "replay", "dedup.dead-letter:0:0", "--to", "deduped.payment");
        CliRun noKafka = CliRun.of("dead-letters", "list");
        CliRun noSubcommand = CliRun.of("dead-letters");

        assertThat(notAnAddress.code()).isEqualTo(2);
        assertThat(notAnAddress.err()).contains("record 'abc' is not an address: write topic:partition:offset");
        assertThat(noTopic.code()).isEqualTo(2);
        assertThat(noTopic.err()).contains("record '0:5' names no topic");
        assertThat(outOfRange.code()).isEqualTo(1);
        assertThat(outOfRange.err()).contains("no record at dedup.dead-letter:0:99: partition 0 of dedup.dead-letter holds offsets 0 to 1");
        assertThat(notADeadLetterTopic.code()).isEqualTo(2);
        assertThat(notADeadLetterTopic.err()).contains("outbox.payment is not a dead-letter topic: the connector's is outbox.dead-letter");
        assertThat(toAnOutput.code()).isEqualTo(1);
        assertThat(toAnOutput.err()).contains("deduped.payment is an output of the dedup app", "use --force");
        assertThat(noKafka.code()).isEqualTo(2);
        assertThat(noKafka.err()).contains("kafka.bootstrap.servers", "is required");
        assertThat(noSubcommand.code()).isEqualTo(2);
        assertThat(noSubcommand.err()).contains("name a subcommand: list, show or replay");
    }
}
