package io.onceonly.connector.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.contracts.wire.WireLimits;

/** Routing of hand-built Debezium change events, shaped as the PostgreSQL connector emits them. */
class OutboxRouterTest {

    private static final long COMMIT_MS = 1_767_000_000_000L;

    private static final Schema JSON = SchemaBuilder.string().name("io.debezium.data.Json").optional().build();
    private static final Schema ROW = SchemaBuilder.struct().name("relay.public.outbox.Value")
            .field("id", SchemaBuilder.string().name("io.debezium.data.Uuid").build())
            .field("aggregate_type", Schema.STRING_SCHEMA)
            .field("aggregate_id", Schema.STRING_SCHEMA)
            .field("event_type", Schema.STRING_SCHEMA)
            .field("biz_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("payload", JSON)
            .field("headers", JSON)
            .field("created_at", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").optional().build())
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).build();

    private final OutboxRouter router = new OutboxRouter("outbox.", "outbox.dead-letter", "public.outbox", OutboxColumns.standard());

    private static Schema envelope(Schema row) {
        return SchemaBuilder.struct().name("relay.public.outbox.Envelope")
                .field("before", SchemaBuilder.struct().name("before").optional().build())
                .field("after", row).field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();
    }

    private static Struct row() {
        return new Struct(ROW).put("id", "0190f4a2-0000-7000-8000-000000000001").put("aggregate_type", "payment")
                .put("aggregate_id", "user-7").put("event_type", "PaymentCompleted").put("biz_id", "pay-1")
                .put("payload", "{\"amountCents\": 1999}").put("headers", "{\"traceparent\": \"00-abc-01\"}")
                .put("created_at", "2026-11-23T22:02:26.212055Z");
    }

    private static SourceRecord change(Struct row, String op, String table) {
        Struct envelope = new Struct(envelope(row.schema())).put("after", row).put("op", op)
                .put("source", new Struct(SOURCE).put("schema", "public").put("table", table).put("ts_ms", COMMIT_MS));
        return new SourceRecord(Map.of("server", "relay"), Map.of("lsn", 1L), "relay.public." + table, null, null,
                envelope.schema(), envelope);
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return OnceHeaders.lastText(record.headers(), name).orElse(null);
    }

    @Test
    void anInsertBecomesTheRecordOfTheWireContract() {
        Routed routed = router.route(change(row(), "c", "outbox"));

        assertThat(routed).isInstanceOf(Routed.Relay.class);
        ProducerRecord<byte[], byte[]> record = ((Routed.Relay) routed).record();
        assertThat(record.topic()).isEqualTo("outbox.payment");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("user-7");
        // The jsonb text as it is: not wrapped into a JSON string a second time.
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"amountCents\": 1999}");
        assertThat(header(record, OnceHeaders.EVENT_ID)).isEqualTo("0190f4a2-0000-7000-8000-000000000001");
        assertThat(header(record, OnceHeaders.BIZ_ID)).isEqualTo("pay-1");
        assertThat(header(record, OnceHeaders.EVENT_TYPE)).isEqualTo("PaymentCompleted");
        assertThat(header(record, OnceHeaders.AGGREGATE_TYPE)).isEqualTo("payment");
        assertThat(header(record, OnceHeaders.CREATED_AT)).isEqualTo("1795471346212");
        assertThat(header(record, "traceparent")).isEqualTo("00-abc-01");
        assertThat(((Routed.Relay) routed).createdAt().toEpochMilli()).isEqualTo(1_795_471_346_212L);
    }

    @Test
    void snapshotReadsAreRelayedLikeInserts() {
        assertThat(router.route(change(row(), "r", "outbox"))).isInstanceOf(Routed.Relay.class);
    }

    @Test
    void updatesDeletesOtherTablesHeartbeatsAndTombstonesAreSkipped() {
        assertThat(router.route(change(row(), "u", "outbox"))).isInstanceOf(Routed.Skip.class);
        assertThat(router.route(change(row(), "d", "outbox"))).isInstanceOf(Routed.Skip.class);
        assertThat(router.route(change(row(), "c", "once_heartbeat"))).isInstanceOf(Routed.Skip.class);
        Schema heartbeat = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat").field("ts_ms", Schema.INT64_SCHEMA).build();
        assertThat(router.route(new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat.relay", heartbeat,
                new Struct(heartbeat).put("ts_ms", 1L)))).isInstanceOf(Routed.Skip.class);
        assertThat(router.route(new SourceRecord(Map.of(), Map.of(), "relay.public.outbox", null, null))).isInstanceOf(Routed.Skip.class);
    }

    @Test
    void anUnsafeAggregateTypeIsADeadLetterKeepingTheWholeRow() throws Exception {
        Routed routed = router.route(change(row().put("aggregate_type", "pay ment/eu"), "c", "outbox"));

        assertThat(routed).isInstanceOf(Routed.DeadLetter.class);
        ProducerRecord<byte[], byte[]> dead = ((Routed.DeadLetter) routed).record();
        assertThat(dead.topic()).isEqualTo("outbox.dead-letter");
        assertThat(header(dead, OnceHeaders.ERROR)).contains("'pay ment/eu'").contains("[a-zA-Z0-9._-]{1,200}");
        assertThat(header(dead, OnceHeaders.BIZ_ID)).isEqualTo("pay-1");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(dead.value()).get("payload").asText())
                .isEqualTo("{\"amountCents\": 1999}");
    }

    @Test
    void aBlankBizIdIsADeadLetter() {
        Routed routed = router.route(change(row().put("biz_id", " "), "c", "outbox"));

        assertThat(((Routed.DeadLetter) routed).reason()).contains("biz-id (column biz_id) is null or blank");
    }

    @Test
    void extraHeadersMustBeAnObjectOfScalarsWithoutReservedNames() {
        assertThat(((Routed.DeadLetter) router.route(change(row().put("headers", "[1,2]"), "c", "outbox"))).reason())
                .contains("must be a JSON object of string values");
        assertThat(((Routed.DeadLetter) router.route(change(row().put("headers", "{\"once-biz-id\":\"x\"}"), "c", "outbox"))).reason())
                .contains("reserved name once-biz-id");
        assertThat(router.route(change(row().put("headers", null), "c", "outbox"))).isInstanceOf(Routed.Relay.class);
    }

    @Test
    void aTextPayloadMustBeJsonWhenTheColumnIsNotJsonb() {
        Schema textRow = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).field("aggregatetype", Schema.STRING_SCHEMA)
                .field("aggregateid", Schema.OPTIONAL_STRING_SCHEMA).field("type", Schema.STRING_SCHEMA)
                .field("payload", Schema.OPTIONAL_STRING_SCHEMA).build();
        OutboxColumns debeziumLayout = new OutboxColumns("id", "aggregatetype", "aggregateid", "type", "aggregateid", "payload",
                Optional.empty(), Optional.empty());
        OutboxRouter layoutRouter = new OutboxRouter("outbox.", "outbox.dead-letter", "public.outbox", debeziumLayout);
        Struct bad = new Struct(textRow).put("id", "e-1").put("aggregatetype", "order").put("aggregateid", "o-1")
                .put("type", "OrderPlaced").put("payload", "{\"n\":1} {\"n\":2}");
        Struct good = new Struct(textRow).put("id", "e-2").put("aggregatetype", "order").put("aggregateid", "o-2")
                .put("type", "OrderPlaced").put("payload", "[1, 2]");

        assertThat(((Routed.DeadLetter) layoutRouter.route(change(bad, "c", "outbox"))).reason())
                .contains("payload (column payload) is not JSON: text follows the JSON value");
        Routed relayed = layoutRouter.route(change(good, "c", "outbox"));
        assertThat(relayed).isInstanceOf(Routed.Relay.class);
        // Without a created-at column the commit time stands in.
        assertThat(((Routed.Relay) relayed).createdAt().toEpochMilli()).isEqualTo(COMMIT_MS);
        assertThat(header(((Routed.Relay) relayed).record(), OnceHeaders.BIZ_ID)).isEqualTo("o-2");
    }

    @Test
    void idsLongerThanTheWireLimitsAreDeadLetteredWithTheReason() {
        String longBizId = "b".repeat(WireLimits.MAX_BIZ_ID_BYTES + 1);
        Routed biz = router.route(change(row().put("biz_id", longBizId), "c", "outbox"));
        assertThat(biz).isInstanceOf(Routed.DeadLetter.class);
        assertThat(((Routed.DeadLetter) biz).reason()).contains("biz-id (column biz_id) is 513 bytes, over the limit of 512");
        // The dead letter does not carry the over-long id as a header; it is in the row, the value.
        assertThat(header(((Routed.DeadLetter) biz).record(), OnceHeaders.BIZ_ID)).isNull();

        Routed aggregate = router.route(change(row().put("aggregate_id", "\u00e9".repeat(257)), "c", "outbox"));
        assertThat(((Routed.DeadLetter) aggregate).reason()).contains("aggregate id (column aggregate_id) is 514 bytes");

        assertThat(router.route(change(row().put("biz_id", "b".repeat(WireLimits.MAX_BIZ_ID_BYTES)), "c", "outbox")))
                .isInstanceOf(Routed.Relay.class);
    }

    @Test
    void aTopicSpelledLikeAnExistingOneButForDotsAndUnderscoresIsDeadLettered() {
        router.existingTopics(java.util.List.of("outbox.card.issue"));

        Routed colliding = router.route(change(row().put("aggregate_type", "card_issue"), "c", "outbox"));
        assertThat(((Routed.DeadLetter) colliding).reason()).contains("outbox.card_issue collides with the existing topic outbox.card.issue");
        assertThat(router.route(change(row().put("aggregate_type", "card.issue"), "c", "outbox"))).isInstanceOf(Routed.Relay.class);

        // The first spelling routed owns it too, for topics that did not exist at start.
        assertThat(router.route(change(row().put("aggregate_type", "gift_card"), "c", "outbox"))).isInstanceOf(Routed.Relay.class);
        assertThat(router.route(change(row().put("aggregate_type", "gift.card"), "c", "outbox"))).isInstanceOf(Routed.DeadLetter.class);
    }
}
