package io.onceonly.connector.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

class OpenTelemetryRelayTracingTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    private final RelayTracing tracing = new OpenTelemetryRelayTracing(otel);

    @AfterEach
    void close() {
        otel.close();
    }

    @Test
    void eachRecordsSpanIsAChildOfItsRowsTraceAndEndsWhenTheBatchIsAcknowledged() {
        RelayTracing.BatchSpans batch = tracing.started(List.of(record("00-" + TRACE + "-" + PARENT + "-01"), record(null)));
        assertThat(spans.getFinishedSpanItems()).isEmpty();

        batch.acknowledged();

        List<SpanData> finished = spans.getFinishedSpanItems();
        assertThat(finished).hasSize(2);
        assertThat(finished).allSatisfy(span -> {
            assertThat(span.getName()).isEqualTo("send outbox.payment");
            assertThat(span.getKind()).isEqualTo(SpanKind.PRODUCER);
        });
        SpanData traced = finished.get(0);
        assertThat(traced.getTraceId()).isEqualTo(TRACE);
        assertThat(traced.getParentSpanId()).isEqualTo(PARENT);
        // A row without a traceparent starts a trace of its own.
        assertThat(finished.get(1).getParentSpanContext().isValid()).isFalse();
        assertThat(finished.get(1).getTraceId()).isNotEqualTo(TRACE);
    }

    @Test
    void aFailedBatchEndsItsSpansAsErrorsAndTheRecordsAreUntouched() {
        ProducerRecord<byte[], byte[]> record = record("00-" + TRACE + "-" + PARENT + "-01");
        int headersBefore = record.headers().toArray().length;

        tracing.started(List.of(record)).failed(new IllegalStateException("broker down"));

        assertThat(spans.getFinishedSpanItems()).singleElement()
                .satisfies(span -> assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
        assertThat(record.headers().toArray()).hasSize(headersBefore);
    }

    @Test
    void noneMakesNoSpan() {
        RelayTracing.NONE.started(List.of(record("00-" + TRACE + "-" + PARENT + "-01"))).acknowledged();
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }

    private static ProducerRecord<byte[], byte[]> record(String traceparent) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("outbox.payment", bytes("user-1"), bytes("{}"));
        record.headers().add("once-biz-id", bytes("pay-1"));
        if (traceparent != null) {
            record.headers().add("traceparent", bytes(traceparent));
        }
        return record;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
