package io.onceonly.dedup.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.runtime.AppOptions;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/** The decision spans under TopologyTestDriver: children of the record's trace, a duplicate's linked to its first occurrence's. */
class DecisionTracingTest {

    private static final AttributeKey<String> DECISION = AttributeKey.stringKey("once.dedup.decision");
    private static final String FIRST_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String RESEND_TRACE = "0af7651916cd43dd8448eb211c80319c";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    private TopologyTestDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        tracing.close();
    }

    @Test
    void aDuplicatesSpanLinksToTheSpanOfItsFirstOccurrence() {
        TestInputTopic<byte[], byte[]> payments = start(new OpenTelemetryDecisionTracing(
                OpenTelemetrySdk.builder().setTracerProvider(tracing).build()));
        payments.pipeInput(event("pay-1", FIRST_TRACE, "00f067aa0ba902b7"));
        payments.pipeInput(event("pay-1", RESEND_TRACE, "b7ad6b7169203331"));

        List<SpanData> finished = spans.getFinishedSpanItems();
        assertThat(finished).hasSize(2);
        SpanData first = finished.get(0);
        SpanData duplicate = finished.get(1);
        assertThat(first.getTraceId()).isEqualTo(FIRST_TRACE);
        assertThat(first.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(first.getAttributes().get(DECISION)).isEqualTo("forwarded");
        assertThat(duplicate.getTraceId()).isEqualTo(RESEND_TRACE);
        assertThat(duplicate.getAttributes().get(DECISION)).isEqualTo("duplicate");
        assertThat(duplicate.getLinks()).hasSize(1);
        assertThat(duplicate.getLinks().get(0).getSpanContext().getTraceId()).isEqualTo(FIRST_TRACE);
        assertThat(duplicate.getLinks().get(0).getSpanContext().getSpanId()).isEqualTo(first.getSpanId());
    }

    @Test
    void withoutTracingNoSpanIsMadeAndTheDecisionsAreTheSame() {
        TestInputTopic<byte[], byte[]> payments = start(DecisionTracing.NONE);
        payments.pipeInput(event("pay-1", FIRST_TRACE, "00f067aa0ba902b7"));
        payments.pipeInput(event("pay-1", RESEND_TRACE, "b7ad6b7169203331"));

        assertThat(spans.getFinishedSpanItems()).isEmpty();
        assertThat(driver.createOutputTopic("card.issue-requests", (t, b) -> b, (t, b) -> b).readRecordsToList()).hasSize(1);
    }

    private TestInputTopic<byte[], byte[]> start(DecisionTracing decisions) {
        DedupConfig config = DedupConfig.from(AppOptions.load(new String[] {"--kafka.bootstrap.servers=unused:9092",
                "--input.topics=outbox.payment", "--output.mapping=outbox.payment:card.issue-requests"}, Map.of()));
        Properties props = config.streamsProperties(java.util.Optional.empty());
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/once-ttd-" + UUID.randomUUID());
        driver = new TopologyTestDriver(DedupTopology.build(config, new DedupMetrics(new SimpleMeterRegistry()),
                DestinationLimits.producerOnly(config.producerMaxRequestSize()), decisions), props, Instant.parse("2026-12-01T00:00:00Z"));
        ByteArraySerializer ser = new ByteArraySerializer();
        return driver.createInputTopic("outbox.payment", ser, ser);
    }

    private static TestRecord<byte[], byte[]> event(String bizId, String traceId, String parentSpanId) {
        Instant at = Instant.parse("2026-12-01T00:00:01Z");
        RecordHeaders headers = new RecordHeaders();
        new EventMetadata(UUID.randomUUID(), bizId, "PaymentCompleted", "payment", at).writeTo(headers);
        headers.add("traceparent", ("00-" + traceId + "-" + parentSpanId + "-01").getBytes(StandardCharsets.UTF_8));
        return new TestRecord<>("user-1".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8), headers, at);
    }
}
