package io.onceonly.cli.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.onceonly.cli.CliRun;
import io.onceonly.connector.OutboxConnector;
import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.contracts.IdempotentConsumer;
import io.onceonly.contracts.OutboxEvent;
import io.onceonly.contracts.OutboxSchema;
import io.onceonly.contracts.OutboxWriter;
import io.onceonly.dedup.DedupService;
import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.runtime.AppOptions;
import io.onceonly.stack.Await;
import io.onceonly.stack.PostgresService;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * {@code once trace} over the real pipeline: the connector and the dedup app run in this JVM from
 * their own properties files, which the command reads too ({@code config.connector},
 * {@code config.dedup}). Facts are left at each stage: all the way and claimed (pay-1, written twice),
 * forwarded but not claimed (pay-2), relayed while the dedup app was stopped (pay-3), committed while
 * the connector was stopped too (pay-4), and a row the connector could not route (pay-5).
 */
@WithStack
class TraceIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static PostgresService pg;
    private static Path connectorFile;
    private static Path dedupFile;
    private static OutboxConnector connector;
    private static DedupService dedup;
    private static final List<String> PAY_1_EVENTS = new ArrayList<>();
    private static CliRun slotsWhileRelaying;

    @BeforeAll
    static void leaveFactsAtEachStage(TestStack stack) throws Exception {
        pg = stack.postgres();
        try (Connection c = pg.dataSource().getConnection()) {
            OutboxSchema.install(c);
        }
        stack.kafka().createTopic("outbox.payment", 2);
        Path dir = Files.createTempDirectory("once-cli-trace");
        connectorFile = dir.resolve("connector.properties");
        Files.writeString(connectorFile, String.join("\n",
                "database.url=" + pg.jdbcUrl(), "database.user=" + pg.username(), "database.password=" + pg.password(),
                "kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(), "slot.name=trace_it", "publication.name=trace_it",
                "offset.storage.topic=offsets-trace_it", "heartbeat.table=public.heartbeat_trace_it", "name=trace_it",
                "http.port=0", ""));
        dedupFile = dir.resolve("dedup.properties");
        Files.writeString(dedupFile, String.join("\n",
                "kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(), "application.id=trace-it-dedup",
                "input.topics=outbox.payment", "output.mapping=outbox.payment:trace.card-requests", "http.port=0",
                "state.dir=" + dir.resolve("dedup-state"), ""));
        connector = new OutboxConnector(ConnectorConfig.from(AppOptions.load(new String[] {"--config", connectorFile.toString()},
                Map.of()))).start();
        dedup = new DedupService(DedupConfig.from(AppOptions.load(new String[] {"--config", dedupFile.toString()}, Map.of()))).start();

        PAY_1_EVENTS.add(write("pay-1", "user-1"));
        PAY_1_EVENTS.add(write("pay-1", "user-1")); // a business resend: new event id, same biz-id
        write("pay-2", "user-2");
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("insert into outbox (id, aggregate_type, aggregate_id, event_type, biz_id, payload) values"
                    + " (gen_random_uuid(), 'bad type!', 'user-5', 'PaymentCompleted', 'pay-5', '{\"cents\": 5}')");
        }
        Await.until("pay-1 forwarded and its copy dropped, pay-2 forwarded, pay-5 dead-lettered", Duration.ofSeconds(90),
                () -> dedup.metrics().forwardedCount() >= 2 && dedup.metrics().duplicateCount() >= 1
                        && connector.metrics().deadLetteredCount() >= 1,
                () -> "forwarded " + dedup.metrics().forwardedCount() + ", relayed " + connector.metrics().relayedCount());
        // pay-5's dead letter sent back twice, to where it belongs: the dedup stage forwards one, drops the other.
        for (int i = 0; i < 2; i++) {
            CliRun replay = CliRun.of("dead-letters", "replay", "outbox.dead-letter:0:0", "--to", "outbox.payment",
                    "--config.connector=" + connectorFile, "--config.dedup=" + dedupFile);
            System.out.println("$ once dead-letters replay outbox.dead-letter:0:0 --to outbox.payment\n" + replay);
            assertThat(replay.code()).as(replay.toString()).isZero();
        }
        Await.until("pay-5's replays deduplicated", Duration.ofSeconds(60),
                () -> dedup.metrics().forwardedCount() >= 3 && dedup.metrics().duplicateCount() >= 2);
        try (Connection tx = pg.dataSource().getConnection()) {
            tx.setAutoCommit(false);
            new IdempotentConsumer().claim(tx, "card-issuer", "pay-1");
            tx.commit();
        }
        dedup.close();
        long relayed = connector.metrics().relayedCount();
        write("pay-3", "user-3");
        Await.until("pay-3 relayed", Duration.ofSeconds(60), () -> connector.metrics().relayedCount() > relayed);
        slotsWhileRelaying = CliRun.of("slot", "status", "--config.connector=" + connectorFile);
        System.out.println("$ once slot status\n" + slotsWhileRelaying);
        connector.close();
        write("pay-4", "user-4");
    }

    @AfterAll
    static void stop() {
        if (dedup != null) {
            dedup.close();
        }
        if (connector != null) {
            connector.close();
        }
    }

    private static String write(String bizId, String user) throws Exception {
        OutboxEvent event = OutboxEvent.builder().aggregateType("payment").aggregateId(user).eventType("PaymentCompleted")
                .bizId(bizId).payload(Map.of("cents", 100)).build();
        try (Connection tx = pg.dataSource().getConnection()) {
            tx.setAutoCommit(false);
            OutboxWriter.create().append(tx, event);
            tx.commit();
        }
        return event.id().toString();
    }

    private static CliRun trace(String... args) {
        List<String> all = new ArrayList<>(List.of("trace"));
        all.addAll(List.of(args));
        all.add("--config.connector=" + connectorFile);
        all.add("--config.dedup=" + dedupFile);
        all.add("--consumer.database.url=" + pg.jdbcUrl());
        all.add("--consumer.database.user=" + pg.username());
        all.add("--consumer.database.password=" + pg.password());
        CliRun run = CliRun.of(all.toArray(new String[0]));
        System.out.println("$ once trace " + String.join(" ", args) + "\n" + run);
        return run;
    }

    @Test
    void aFactThatWentAllTheWayShowsEveryPlaceInOrderAndNothingMissing() throws Exception {
        CliRun run = trace("pay-1");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("biz-id pay-1: 2 outbox rows, 2 records relayed, forwarded once, 1 duplicate dropped,"
                + " claimed by card-issuer").contains("Missing: nothing");

        JsonNode trace = JSON.readTree(trace("pay-1", "--json").out());
        List<String> stages = new ArrayList<>();
        trace.path("timeline").forEach(s -> stages.add(s.path("stage").asText()));
        // Both rows were written before the first relay; a forward keeps its input record's time.
        assertThat(stages.subList(0, 2)).containsExactly("OUTBOX_ROW", "OUTBOX_ROW");
        assertThat(stages.subList(2, 6)).containsExactlyInAnyOrder("RELAYED", "RELAYED", "FORWARDED", "DROPPED");
        assertThat(stages.get(2)).isEqualTo("RELAYED");
        assertThat(stages.get(6)).isEqualTo("CLAIMED");
        JsonNode forwarded = stage(trace, "FORWARDED");
        assertThat(forwarded.path("eventId").asText()).isEqualTo(PAY_1_EVENTS.get(0));
        assertThat(forwarded.path("where").asText()).startsWith("trace.card-requests:");
        JsonNode dropped = stage(trace, "DROPPED");
        assertThat(dropped.path("eventId").asText()).isEqualTo(PAY_1_EVENTS.get(1));
        assertThat(dropped.path("where").asText()).startsWith("trace.card-requests.duplicates:");
        assertThat(dropped.path("detail").asText()).contains("duplicate of event " + PAY_1_EVENTS.get(0));
        assertThat(trace.path("missing")).isEmpty();
    }

    @Test
    void aForwardedFactNoConsumerClaimedSaysSo() {
        CliRun run = trace("pay-2");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("forwarded once").contains("forwarded, no consumer claim yet (no row in processed_message");
    }

    @Test
    void aFactRelayedWhileTheDedupAppWasDownIsNotYetDeduplicated() {
        CliRun run = trace("pay-3");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("1 outbox row, 1 record relayed, not forwarded")
                .contains("relayed, not yet deduplicated: a record of event");
    }

    @Test
    void aFactCommittedWhileTheConnectorWasDownIsNotYetRelayed() {
        CliRun run = trace("pay-4");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("1 outbox row, 0 records relayed").contains("committed, not yet relayed: event");
    }

    @Test
    void aDeadLetterReplayedTwiceMadeOneForwardThroughTheDedupStage() throws Exception {
        CliRun run = trace("pay-5");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("biz-id pay-5: 1 outbox row, 2 records relayed, forwarded once, 1 duplicate dropped")
                .contains("connector dead letter", "outbox.dead-letter:0:0", "aggregate type (column aggregate_type) 'bad type!'")
                .contains("outbox.dead-letter:0:0 -> outbox.payment:", "key user-5, written by a replay")
                .doesNotContain("dead-lettered at").doesNotContain("committed, not yet relayed");
        JsonNode trace = JSON.readTree(trace("pay-5", "--json").out());
        List<String> stages = new ArrayList<>();
        trace.path("timeline").forEach(s -> stages.add(s.path("stage").asText()));
        assertThat(stages).containsExactlyInAnyOrder("OUTBOX_ROW", "CONNECTOR_DEAD_LETTER", "RELAYED", "REPLAYED", "FORWARDED",
                "RELAYED", "REPLAYED", "DROPPED");
        assertThat(stages.subList(0, 2)).containsExactly("OUTBOX_ROW", "CONNECTOR_DEAD_LETTER");
        String eventId = eventIdOf("pay-5");
        trace.path("timeline").forEach(s -> assertThat(s.path("eventId").asText()).as(s.toString()).isEqualTo(eventId));
    }

    @Test
    void slotStatusShowsTheConnectorsSlotReadByItsWalsender() {
        assertThat(slotsWhileRelaying.code()).as(slotsWhileRelaying.toString()).isZero();
        assertThat(slotsWhileRelaying.out()).containsPattern("trace_it +pgoutput +postgres +yes +\\d+ +reserved")
                .contains("trace_it is the connector's slot (connector.slot.name).");
    }

    @Test
    void anUnknownBizIdIsFoundNowhereAndExitsOne() {
        CliRun run = trace("no-such-payment");

        assertThat(run.code()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("biz-id no-such-payment: found nowhere");
    }

    @Test
    void withoutTheOutboxDatabaseTheTopicsAreStillReadAndTheGapIsNamed() {
        CliRun run = CliRun.of("trace", "pay-2", "--config.dedup=" + dedupFile);

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("0 outbox rows, 1 record relayed, forwarded once")
                .contains("the outbox table was not looked at: name the outbox database with database.url")
                .contains("consumer claims were not looked up");
    }

    @Test
    void sinceReadsTopicsFromThatTimeOn() {
        CliRun future = trace("pay-1", "--since=2999-01-01T00:00:00Z");
        CliRun lastHour = trace("pay-1", "--since=PT1H");

        assertThat(future.code()).as(future.toString()).isZero();
        assertThat(future.out()).contains("biz-id pay-1: 2 outbox rows, 0 records relayed, not forwarded")
                .contains("topics were read from 2999-01-01 00:00:00.000 on (--since)");
        assertThat(lastHour.out()).contains("biz-id pay-1: 2 outbox rows, 2 records relayed, forwarded once");
    }

    @Test
    void badInputIsAUsageErrorNamingIt() {
        CliRun since = trace("pay-1", "--since=yesterday");
        CliRun noKafka = CliRun.of("trace", "pay-1", "--database.url=" + pg.jdbcUrl(), "--database.user=" + pg.username());
        CliRun noBizId = CliRun.of("trace");

        assertThat(since.code()).as(since.toString()).isEqualTo(2);
        assertThat(since.err()).contains("--since 'yesterday' is neither a time like 2026-12-01T14:00:00Z nor a duration");
        assertThat(noKafka.code()).as(noKafka.toString()).isEqualTo(2);
        assertThat(noKafka.err()).contains("kafka.bootstrap.servers", "is required");
        assertThat(noBizId.code()).as(noBizId.toString()).isEqualTo(2);
        assertThat(noBizId.err()).contains("Missing required parameter: 'BIZ-ID'");
    }

    private static JsonNode stage(JsonNode trace, String stage) {
        for (JsonNode sighting : trace.path("timeline")) {
            if (sighting.path("stage").asText().equals(stage)) {
                return sighting;
            }
        }
        throw new AssertionError("no " + stage + " in " + trace);
    }

    private static String eventIdOf(String bizId) throws Exception {
        try (Connection c = pg.dataSource().getConnection();
             PreparedStatement select = c.prepareStatement("select id::text from outbox where biz_id = ?")) {
            select.setString(1, bizId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
