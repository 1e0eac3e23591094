package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.contracts.OutboxEvent;
import io.onceonly.contracts.OutboxSchema;
import io.onceonly.contracts.OutboxWriter;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.stack.Await;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/** The relay against real PostgreSQL and Kafka, one connector shared by the class (restarted by one test). */
@WithStack
class RelayIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLOT = "relay_it";

    private static TestStack stack;
    private static OutboxConnector connector;

    @BeforeAll
    static void start(TestStack testStack) throws Exception {
        stack = testStack;
        try (Connection c = stack.postgres().dataSource().getConnection()) {
            OutboxSchema.install(c);
        }
        connector = startConnector();
    }

    private static OutboxConnector startConnector() {
        return new OutboxConnector(ConnectorFixture.config(ConnectorFixture.options(stack, SLOT,
                Map.of("heartbeat.interval.ms", "500")))).start();
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
    }

    @Test
    void eventsOfConcurrentTransactionsArriveCompleteAndInCommitOrderPerAggregate() throws Exception {
        OutboxLoad load = new OutboxLoad(stack.postgres().dataSource(), "counter");
        List<OutboxLoad.Written> written = load.write(1_000, 50, 8, 20);

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(stack.kafka(), "outbox.counter", written.size(),
                Duration.ofSeconds(60), Duration.ofSeconds(2));

        assertThat(records).hasSize(1_000);
        Map<UUID, OutboxLoad.Written> byId = written.stream().collect(Collectors.toMap(OutboxLoad.Written::id, w -> w));
        Map<String, Long> lastSeq = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            EventMetadata meta = EventMetadata.of(record);
            OutboxLoad.Written w = byId.get(meta.eventId());
            assertThat(w).as("record %s was written", meta.eventId()).isNotNull();
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(w.aggregateId());
            JsonNode value = JSON.readTree(record.value());
            // jsonb arrives as JSON text and must not be encoded a second time into a JSON string.
            assertThat(value.isObject()).isTrue();
            assertThat(value.get("seq").asLong()).isEqualTo(w.seq());
            assertThat(meta.bizId()).isEqualTo(w.bizId());
            assertThat(meta.eventType()).isEqualTo("Counted");
            assertThat(meta.aggregateType()).isEqualTo("counter");
            assertThat(OnceHeaders.lastText(record.headers(), "test-trace")).contains(w.bizId());
            long previous = lastSeq.getOrDefault(w.aggregateId(), 0L);
            assertThat(w.seq()).as("order of aggregate %s", w.aggregateId()).isEqualTo(previous + 1);
            lastSeq.put(w.aggregateId(), w.seq());
        }
        assertThat(lastSeq).hasSize(50);
    }

    @Test
    void aRolledBackTransactionRelaysNothing() throws Exception {
        OutboxWriter writer = OutboxWriter.create();
        try (Connection tx = stack.postgres().dataSource().getConnection()) {
            tx.setAutoCommit(false);
            writer.append(tx, event("rollback", "rolled-back"));
            tx.rollback();
            writer.append(tx, event("rollback", "committed"));
            tx.commit();
        }

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(stack.kafka(), "outbox.rollback", 1,
                Duration.ofSeconds(30), Duration.ofSeconds(3));

        assertThat(records).extracting(r -> EventMetadata.of(r).bizId()).containsExactly("committed");
    }

    @Test
    void eventsWrittenWhileStoppedArriveOnceAfterACleanRestart() throws Exception {
        writeEvents("restart", 10, "before");
        assertThat(TopicReader.read(stack.kafka(), "outbox.restart", 10, Duration.ofSeconds(30), Duration.ZERO)).hasSize(10);
        connector.close();

        writeEvents("restart", 500, "while-stopped");
        connector = startConnector();

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(stack.kafka(), "outbox.restart", 510,
                Duration.ofSeconds(60), Duration.ofSeconds(3));
        List<String> bizIds = records.stream().map(r -> EventMetadata.of(r).bizId()).collect(Collectors.toList());
        assertThat(bizIds).hasSize(510).doesNotHaveDuplicates();
        assertThat(bizIds.stream().filter(b -> b.startsWith("while-stopped"))).hasSize(500);
    }

    @Test
    void badRowsGoToTheDeadLetterTopicWithReasonsAndLaterRowsStillArrive() throws Exception {
        String deadBizId = "dead-" + UUID.randomUUID();
        ConnectorFixture.sql(stack.postgres(),
                "insert into outbox (id, aggregate_type, aggregate_id, event_type, biz_id, payload) values"
                        + " (gen_random_uuid(), 'bad topic!', 'a-1', 'Broken', '" + deadBizId + "', '{}'),"
                        + " (gen_random_uuid(), 'badrows', 'a-2', 'Broken', '  ', '{}')");
        writeEvents("badrows", 3, "after-bad");

        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.read(stack.kafka(), "outbox.dead-letter", 2,
                Duration.ofSeconds(30), Duration.ofSeconds(1));
        List<ConsumerRecord<byte[], byte[]>> good = TopicReader.read(stack.kafka(), "outbox.badrows", 3,
                Duration.ofSeconds(30), Duration.ofSeconds(1));

        assertThat(good).extracting(r -> EventMetadata.of(r).bizId()).allMatch(b -> b.startsWith("after-bad")).hasSize(3);
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            reasons.put(JSON.readTree(r.value()).get("aggregate_id").asText(), OnceHeaders.lastText(r.headers(), OnceHeaders.ERROR).orElseThrow());
        }
        assertThat(reasons.get("a-1")).contains("'bad topic!'").contains("cannot be part of a topic name");
        assertThat(reasons.get("a-2")).contains("biz-id (column biz_id) is null or blank");
        assertThat(connector.metrics().deadLetteredCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theSlotAdvancesWhileOnlyOtherTablesAreWritten() throws Exception {
        ConnectorFixture.sql(stack.postgres(), "create table if not exists busy_other (id bigserial primary key, note text)");
        writeEvents("heartbeat", 1, "hb");
        TopicReader.read(stack.kafka(), "outbox.heartbeat", 1, Duration.ofSeconds(30), Duration.ZERO);
        String before = confirmedFlushLsn();

        String walAfterWrites = null;
        long until = System.currentTimeMillis() + 6_000;
        while (System.currentTimeMillis() < until) {
            ConnectorFixture.sql(stack.postgres(), "insert into busy_other (note) select repeat('x', 200) from generate_series(1, 200)");
            walAfterWrites = query("select pg_current_wal_lsn()::text");
            Thread.sleep(100);
        }
        String afterWritesWal = walAfterWrites;
        String after = awaitLsnPast(afterWritesWal, Duration.ofSeconds(20));

        assertThat(lsn(after)).as("confirmed_flush_lsn %s -> %s, WAL at %s", before, after, afterWritesWal)
                .isGreaterThan(lsn(before)).isGreaterThanOrEqualTo(lsn(afterWritesWal));
    }

    @Test
    void healthAndMetricsAreServed() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + connector.httpPort();
        writeEvents("ops", 1, "ops");
        TopicReader.read(stack.kafka(), "outbox.ops", 1, Duration.ofSeconds(30), Duration.ZERO);

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(health.body());
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.get("engine").asText()).isEqualTo("RUNNING");
        assertThat(body.get("lastRelayedAt").isNull()).isFalse();
        assertThat(metrics.body()).contains("once_connector_events_relayed_total")
                .contains("once_connector_events_dead_lettered_total")
                .contains("once_connector_send_retries_total")
                .contains("once_connector_commit_to_ack_seconds_bucket");
    }

    @Test
    void debeziumsLagBehindSourceIsMeasuredWithoutAThreadOfItsOwn() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName metrics = debeziumsStreamingMetrics(jmx);
        jmx.invoke(metrics, "reset", null, null);
        assertThat((Long) jmx.getAttribute(metrics, "MilliSecondsBehindSource")).as("after reset").isEqualTo(-1L);

        writeEvents("lag", 3, "lag");
        TopicReader.read(stack.kafka(), "outbox.lag", 3, Duration.ofSeconds(30), Duration.ZERO);

        // Debezium's streaming metric measured these changes...
        assertThat((Long) jmx.getAttribute(metrics, "MilliSecondsBehindSource")).isBetween(0L, 60_000L);
        // ...and no thread of Debezium's statistics publisher is waiting for changes to measure.
        assertThat(Thread.getAllStackTraces().entrySet()).noneSatisfy(thread -> assertThat(thread.getValue())
                .anySatisfy(frame -> assertThat(frame.getClassName()).contains("MeasurementCollector$MeasurementPublisher")));
    }

    @Test
    void debeziumsLastEventReadsAsBeforeAndItsCountsHold() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName metrics = debeziumsStreamingMetrics(jmx);
        jmx.invoke(metrics, "reset", null, null);
        assertThat(jmx.getAttribute(metrics, "LastEvent")).as("after reset").isNull();

        writeEvents("lastevent", 3, "last");
        TopicReader.read(stack.kafka(), "outbox.lastevent", 3, Duration.ofSeconds(30), Duration.ZERO);

        // Rendered when read (LastEventOnRead), as Debezium renders it: the change's position and key.
        String lastId = query("select id::text from outbox where biz_id = 'last-2'");
        assertThat((String) jmx.getAttribute(metrics, "LastEvent")).contains("position: {lsn: ", lastId);
        assertThat((Long) jmx.getAttribute(metrics, "TotalNumberOfEventsSeen")).isEqualTo(3L);
        assertThat((Long) jmx.getAttribute(metrics, "TotalNumberOfCreateEventsSeen")).isEqualTo(3L);
    }

    /**
     * Debezium's streaming MBean of the connector under test, once the connector streams and has read all
     * written so far: the heartbeat table is captured too, and its first row, an insert, is then counted
     * before a test's reset, not after it.
     */
    private static ObjectName debeziumsStreamingMetrics(MBeanServer jmx) throws Exception {
        ConnectorConfig config = ConnectorFixture.config(ConnectorFixture.options(stack, SLOT, Map.of()));
        String heartbeats = config.heartbeatTable().orElseThrow();
        Await.value("the heartbeat row", Duration.ofSeconds(20),
                () -> query("select count(*)::text from " + heartbeats).equals("1") ? true : null);
        awaitLsnPast(query("select pg_current_wal_lsn()::text"), Duration.ofSeconds(20));
        String name = config.name();
        Set<ObjectName> streaming = jmx.queryNames(
                new ObjectName("debezium.postgres:type=connector-metrics,context=streaming,server=" + name + ",*"), null);
        assertThat(streaming).hasSize(1);
        return streaming.iterator().next();
    }

    private static OutboxEvent event(String aggregateType, String bizId) {
        return OutboxEvent.builder().aggregateType(aggregateType).aggregateId(bizId).eventType("Tested").bizId(bizId)
                .payloadJson("{\"bizId\":\"" + bizId + "\"}").build();
    }

    private static void writeEvents(String aggregateType, int count, String bizPrefix) throws SQLException {
        OutboxWriter writer = OutboxWriter.create();
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(event(aggregateType, bizPrefix + "-" + i));
        }
        try (Connection tx = stack.postgres().dataSource().getConnection()) {
            tx.setAutoCommit(false);
            writer.appendAll(tx, events);
            tx.commit();
        }
    }

    private static String confirmedFlushLsn() throws SQLException {
        return query("select confirmed_flush_lsn::text from pg_replication_slots where slot_name = '" + SLOT + "'");
    }

    private static String awaitLsnPast(String target, Duration timeout) throws Exception {
        String[] current = {confirmedFlushLsn()};
        return Await.value("confirmed_flush_lsn past " + target, timeout, () -> {
            current[0] = confirmedFlushLsn();
            return lsn(current[0]) >= lsn(target) ? current[0] : null;
        }, () -> current[0]);
    }

    private static String query(String sql) throws SQLException {
        try (Connection c = stack.postgres().dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long lsn(String text) {
        String[] parts = text.split("/");
        return (Long.parseLong(parts[0], 16) << 32) + Long.parseLong(parts[1], 16);
    }
}
