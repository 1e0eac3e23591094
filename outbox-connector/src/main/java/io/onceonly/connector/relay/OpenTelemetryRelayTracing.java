package io.onceonly.connector.relay;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.onceonly.contracts.trace.RecordTraceContext;
import io.onceonly.contracts.wire.OnceHeaders;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

/**
 * A PRODUCER span {@code send <topic>} per relayed record, child of the trace context the outbox
 * row carries ({@code traceparent}, written by {@code OutboxWriter} in the business transaction),
 * or the root of a new trace when it carries none. It ends when Kafka acknowledged the record's
 * batch: its length is the relay's latency for that record. The record's headers are relayed as
 * written; the dedup app and consumers continue the business transaction's trace, not this span's.
 */
public final class OpenTelemetryRelayTracing implements RelayTracing {

    /** The instrumentation scope of the connector's spans. */
    public static final String SCOPE = "io.onceonly.connector";

    private final Tracer tracer;

    /** Spans made with {@code openTelemetry}'s tracer. */
    public OpenTelemetryRelayTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(SCOPE);
    }

    @Override
    public BatchSpans started(List<ProducerRecord<byte[], byte[]>> records) {
        List<Span> spans = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> record : records) {
            spans.add(tracer.spanBuilder("send " + record.topic())
                    .setParent(RecordTraceContext.parentOf(record.headers()))
                    .setSpanKind(SpanKind.PRODUCER)
                    .setAttribute("messaging.system", "kafka")
                    .setAttribute("messaging.operation.type", "send")
                    .setAttribute("messaging.destination.name", record.topic())
                    .setAttribute("once.event_id", OnceHeaders.lastText(record.headers(), OnceHeaders.EVENT_ID).orElse(""))
                    .setAttribute("once.biz_id", OnceHeaders.lastText(record.headers(), OnceHeaders.BIZ_ID).orElse(""))
                    .startSpan());
        }
        return new BatchSpans() {
            @Override
            public void acknowledged() {
                spans.forEach(Span::end);
            }

            @Override
            public void failed(Throwable cause) {
                for (Span span : spans) {
                    span.recordException(cause);
                    span.setStatus(StatusCode.ERROR, "not acknowledged; relayed again after the restart");
                    span.end();
                }
            }
        };
    }
}
