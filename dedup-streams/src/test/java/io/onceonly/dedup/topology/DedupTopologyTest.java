package io.onceonly.dedup.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.contracts.wire.RecordSize;
import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.runtime.AppOptions;

/** The topology against TopologyTestDriver: no broker, record time under the test's control. */
class DedupTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(7);

    private Topology topology;
    private TopologyTestDriver driver;
    private DedupMetrics metrics;
    private TestInputTopic<byte[], byte[]> payments;
    private TestInputTopic<byte[], byte[]> orders;
    private TestOutputTopic<byte[], byte[]> cards;
    private TestOutputTopic<byte[], byte[]> duplicates;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    private void start(String... extra) {
        List<String> args = new ArrayList<>(List.of("--input.topics=outbox.payment,outbox.order",
                "--output.mapping=outbox.payment:card.issue-requests"));
        args.addAll(List.of(extra));
        startWith(args.toArray(new String[0]));
    }

    private void startWith(String... options) {
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap.servers=unused:9092"));
        args.addAll(List.of(options));
        DedupConfig config = DedupConfig.from(AppOptions.load(args.toArray(new String[0]), Map.of()));
        metrics = new DedupMetrics(new SimpleMeterRegistry());
        Properties props = config.streamsProperties(java.util.Optional.empty());
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/once-ttd-" + UUID.randomUUID());
        topology = DedupTopology.build(config, metrics);
        driver = new TopologyTestDriver(topology, props, T0);
        ByteArraySerializer ser = new ByteArraySerializer();
        ByteArrayDeserializer de = new ByteArrayDeserializer();
        payments = driver.createInputTopic("outbox.payment", ser, ser);
        orders = driver.createInputTopic("outbox.order", ser, ser);
        cards = driver.createOutputTopic("card.issue-requests", de, de);
        duplicates = driver.createOutputTopic("card.issue-requests.duplicates", de, de);
        deadLetters = driver.createOutputTopic("dedup.dead-letter", de, de);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private static TestRecord<byte[], byte[]> event(String key, String bizId, Instant at) {
        RecordHeaders headers = new RecordHeaders();
        new EventMetadata(UUID.randomUUID(), bizId, "PaymentCompleted", "payment", at).writeTo(headers);
        headers.add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));
        return new TestRecord<>(bytes(key), bytes("{\"paymentId\":\"" + bizId + "\"}"), headers, at);
    }

    private static TestRecord<byte[], byte[]> event(String key, String bizId, Instant at, int valueBytes) {
        TestRecord<byte[], byte[]> event = event(key, bizId, at);
        byte[] value = new byte[valueBytes];
        java.util.Arrays.fill(value, (byte) 'x');
        return new TestRecord<>(event.key(), value, event.headers(), at);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void theFirstOccurrenceIsForwardedUnchanged() {
        start();
        TestRecord<byte[], byte[]> first = event("user-1", "pay-1", T0);
        payments.pipeInput(first);

        TestRecord<byte[], byte[]> out = cards.readRecord();
        assertThat(text(out.key())).isEqualTo("user-1");
        assertThat(out.value()).isEqualTo(first.value());
        assertThat(out.headers().toArray()).containsExactly(first.headers().toArray());
        assertThat(cards.isEmpty()).isTrue();
        assertThat(metrics.forwardedCount()).isEqualTo(1);
    }

    @Test
    void aDuplicateIsDroppedAndAuditedWithTheFirstOccurrence() {
        start();
        TestRecord<byte[], byte[]> first = event("user-1", "pay-1", T0);
        TestRecord<byte[], byte[]> again = event("user-1", "pay-1", T0.plusSeconds(30));
        payments.pipeInput(first);
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        payments.pipeInput(again);

        assertThat(cards.readRecordsToList()).hasSize(1);
        TestRecord<byte[], byte[]> audit = duplicates.readRecord();
        assertThat(audit.value()).isEqualTo(again.value());
        assertThat(OnceHeaders.lastText(audit.headers(), OnceHeaders.FIRST_EVENT_ID))
                .contains(OnceHeaders.lastText(first.headers(), OnceHeaders.EVENT_ID).orElseThrow());
        assertThat(OnceHeaders.lastText(audit.headers(), OnceHeaders.FIRST_SEEN_AT)).contains(Long.toString(T0.toEpochMilli()));
        assertThat(OnceHeaders.lastText(audit.headers(), OnceHeaders.EVENT_ID))
                .contains(OnceHeaders.lastText(again.headers(), OnceHeaders.EVENT_ID).orElseThrow());
        assertThat(metrics.duplicateCount()).isEqualTo(1);
    }

    @Test
    void theAuditCanBeTurnedOff() {
        start("--duplicates.enabled=false");
        payments.pipeInput(event("user-1", "pay-1", T0));
        payments.pipeInput(event("user-1", "pay-1", T0.plusSeconds(1)));

        assertThat(cards.readRecordsToList()).hasSize(1);
        assertThat(duplicates.isEmpty()).isTrue();
        assertThat(metrics.duplicateCount()).isEqualTo(1);
    }

    @Test
    void afterTheRetentionTheSameBizIdIsForwardedAgain() {
        start();
        payments.pipeInput(event("user-1", "pay-1", T0));
        payments.pipeInput(event("user-1", "pay-1", T0.plus(RETENTION).minusSeconds(1)));
        payments.pipeInput(event("user-1", "pay-1", T0.plus(RETENTION).plusSeconds(1)));

        assertThat(cards.readRecordsToList()).hasSize(2);
        assertThat(duplicates.readRecordsToList()).hasSize(1);
    }

    @Test
    void aRecordWithoutABizIdGoesToTheDeadLetterTopicWithTheReason() {
        start();
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", bytes("x"));
        payments.pipeInput(new TestRecord<>(bytes("user-1"), bytes("{}"), headers, T0));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(OnceHeaders.lastText(dead.headers(), OnceHeaders.ERROR).orElseThrow())
                .contains("outbox.payment-0@0").contains("no once-biz-id header");
        assertThat(text(dead.value())).isEqualTo("{}");
        assertThat(cards.isEmpty()).isTrue();
        assertThat(metrics.deadLetteredCount()).isEqualTo(1);
    }

    @Test
    void eachInputGoesToItsOwnOutputAndBizIdsAreKeptApartOnlyByValue() {
        start();
        payments.pipeInput(event("user-1", "pay-1", T0));
        orders.pipeInput(event("user-1", "order-1", T0));
        TestOutputTopic<byte[], byte[]> dedupedOrders = driver.createOutputTopic("deduped.order",
                new ByteArrayDeserializer(), new ByteArrayDeserializer());

        assertThat(cards.readRecordsToList()).hasSize(1);
        assertThat(dedupedOrders.readRecordsToList()).hasSize(1);
    }

    @Test
    void aBizIdIsScopedByItsOutputTopic() {
        start();
        TestOutputTopic<byte[], byte[]> dedupedOrders = driver.createOutputTopic("deduped.order",
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        payments.pipeInput(event("user-1", "1234", T0));
        orders.pipeInput(event("user-1", "1234", T0));
        orders.pipeInput(event("user-1", "1234", T0.plusSeconds(1)));

        assertThat(cards.readRecordsToList()).hasSize(1);
        assertThat(dedupedOrders.readRecordsToList()).hasSize(1);
        assertThat(metrics.duplicateCount()).isEqualTo(1);
    }

    @Test
    void theBizIdCanBeAFieldOfTheJsonValue() {
        start("--biz-id.source=json:/paymentId");
        payments.pipeInput(new TestRecord<>(bytes("k1"), bytes("{\"paymentId\":\"p-9\"}"), new RecordHeaders(), T0));
        payments.pipeInput(new TestRecord<>(bytes("k1"), bytes("{\"paymentId\":\"p-9\",\"retry\":true}"), new RecordHeaders(), T0));
        payments.pipeInput(new TestRecord<>(bytes("k1"), bytes("not json"), new RecordHeaders(), T0));

        assertThat(cards.readRecordsToList()).hasSize(1);
        assertThat(duplicates.readRecordsToList()).hasSize(1);
        assertThat(OnceHeaders.lastText(deadLetters.readRecord().headers(), OnceHeaders.ERROR).orElseThrow())
                .contains("not JSON");
    }

    @Test
    void repartitionModeDedupsOneBizIdUnderTwoKeysAndRestoresTheKey() {
        start("--repartition=true");
        payments.pipeInput(event("user-1", "pay-1", T0));
        payments.pipeInput(event("user-2", "pay-1", T0.plusSeconds(1)));

        List<TestRecord<byte[], byte[]>> out = cards.readRecordsToList();
        assertThat(out).hasSize(1);
        assertThat(text(out.get(0).key())).isEqualTo("user-1");
        assertThat(out.get(0).headers().lastHeader("once-source-key")).isNull();
        assertThat(out.get(0).headers().lastHeader("once-source-offset")).isNull();
        assertThat(out.get(0).headers().lastHeader("traceparent")).isNotNull();
        assertThat(text(duplicates.readRecord().key())).isEqualTo("user-2");
    }

    @Test
    void aRecordOlderThanStreamTimeMinusTheRetentionIsForwardedAndCountedAsUnguarded() {
        start();
        payments.pipeInput(event("user-1", "pay-new", T0.plus(RETENTION).plus(Duration.ofDays(3))));
        payments.pipeInput(event("user-1", "pay-old", T0));
        payments.pipeInput(event("user-1", "pay-old", T0.plusSeconds(1)));

        assertThat(cards.readRecordsToList()).hasSize(3);
        assertThat(duplicates.isEmpty()).isTrue();
        assertThat(metrics.unguardedCount()).isEqualTo(2);
        assertThat(metrics.forwardedCount()).isEqualTo(3);
    }

    @Test
    void aDuplicateTheAuditHeadersMakeTooLargeGoesToTheDeadLetterWithoutItsValueAndTheNextRecordsFlow() {
        int limit = 4_000;
        start("--kafka.producer.max.request.size=" + limit);
        TestRecord<byte[], byte[]> small = event("user-1", "pay-1", T0);
        int room = limit - RecordSize.upperBound(small.key(), small.value(), small.headers());
        TestRecord<byte[], byte[]> first = event("user-1", "pay-1", T0, room - 10);
        TestRecord<byte[], byte[]> again = event("user-1", "pay-1", T0.plusSeconds(1), room - 10);
        payments.pipeInput(first);
        payments.pipeInput(again);
        payments.pipeInput(event("user-2", "pay-2", T0.plusSeconds(2)));

        assertThat(cards.readRecordsToList()).extracting(r -> OnceHeaders.lastText(r.headers(), OnceHeaders.BIZ_ID).orElseThrow())
                .containsExactly("pay-1", "pay-2");
        assertThat(duplicates.isEmpty()).isTrue();
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(OnceHeaders.lastText(dead.headers(), OnceHeaders.ERROR).orElseThrow())
                .contains("outbox.payment-0@1").contains("too large for card.issue-requests.duplicates")
                .contains("max.request.size of " + limit).contains("left out");
        assertThat(dead.value()).isNull();
        assertThat(OnceHeaders.lastText(dead.headers(), OnceHeaders.EVENT_ID))
                .isEqualTo(OnceHeaders.lastText(again.headers(), OnceHeaders.EVENT_ID));
        assertThat(metrics.unproducibleCount()).isEqualTo(1);
        assertThat(metrics.deadLetteredCount()).isEqualTo(1);
    }

    @Test
    void aFirstOccurrenceTooLargeForItsOutputIsDeadLetteredAndNotRemembered() {
        start("--kafka.producer.max.request.size=3000", "--output.mapping=outbox.payment:card.issue-requests");
        TestRecord<byte[], byte[]> big = event("user-1", "pay-1", T0, 3_000);
        payments.pipeInput(big);
        payments.pipeInput(event("user-1", "pay-1", T0.plusSeconds(1)));

        assertThat(cards.readRecordsToList()).hasSize(1);
        assertThat(duplicates.isEmpty()).isTrue();
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(OnceHeaders.lastText(dead.headers(), OnceHeaders.ERROR).orElseThrow()).contains("too large for card.issue-requests");
        assertThat(dead.value()).isNull();
    }

    @Test
    void theDedupStepForwardsToOneSinkPerKind() {
        start();
        assertThat(topology.describe().toString())
                .contains("Processor: dedup (stores: [" + DedupTopology.STORE + "])\n      --> dead-letter, duplicates, output")
                .contains("Sink: output (extractor class:").contains("Sink: duplicates (extractor class:")
                .contains("Sink: dead-letter (topic: dedup.dead-letter)");
    }

    @Test
    void topicsOfThePatternThatNobodyListedGetTheirOwnOutputsWithAndWithoutRepartitioning() {
        for (String repartition : List.of("false", "true")) {
            startWith("--repartition=" + repartition);
            ByteArraySerializer ser = new ByteArraySerializer();
            ByteArrayDeserializer de = new ByteArrayDeserializer();
            TestInputTopic<byte[], byte[]> shipments = driver.createInputTopic("outbox.shipment", ser, ser);
            shipments.pipeInput(event("user-1", "ship-1", T0));
            shipments.pipeInput(event("user-2", "ship-1", T0.plusSeconds(1)));
            driver.createInputTopic("outbox.refund", ser, ser).pipeInput(event("user-1", "ship-1", T0));

            assertThat(driver.createOutputTopic("deduped.shipment", de, de).readRecordsToList())
                    .extracting(r -> text(r.key())).as("repartition=" + repartition).containsExactly("user-1");
            assertThat(driver.createOutputTopic("deduped.shipment.duplicates", de, de).readRecordsToList())
                    .extracting(r -> text(r.key())).containsExactly("user-2");
            assertThat(driver.createOutputTopic("deduped.refund", de, de).readRecordsToList()).hasSize(1);
            driver.close();
        }
        driver = null;
    }
}
