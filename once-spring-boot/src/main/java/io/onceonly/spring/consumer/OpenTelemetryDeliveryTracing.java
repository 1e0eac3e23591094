package io.onceonly.spring.consumer;

import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.onceonly.contracts.trace.RecordTraceContext;
import io.onceonly.contracts.wire.OnceHeaders;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * A CONSUMER span {@code process <topic>} per delivery, child of the record's {@code traceparent}
 * (the business transaction that wrote the event) and current while the claim and the effect run,
 * so that what the effect traces or writes to an outbox continues the same trace.
 */
public final class OpenTelemetryDeliveryTracing implements DeliveryTracing {

    /** The instrumentation scope name of the spans. */
    public static final String SCOPE = "io.onceonly.spring";

    private final Tracer tracer;

    /** Spans made with {@code openTelemetry}'s tracer. */
    public OpenTelemetryDeliveryTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(SCOPE);
    }

    @Override
    public boolean around(ConsumerRecord<?, ?> record, String consumerName, BooleanSupplier handling) {
        Span span = tracer.spanBuilder("process " + record.topic())
                .setParent(RecordTraceContext.parentOf(record.headers()))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", record.topic())
                .setAttribute("messaging.destination.partition.id", String.valueOf(record.partition()))
                .setAttribute("messaging.kafka.offset", record.offset())
                .setAttribute("messaging.consumer.group.name", consumerName)
                .setAttribute("once.biz_id", OnceHeaders.lastText(record.headers(), OnceHeaders.BIZ_ID).orElse(""))
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            boolean acted = handling.getAsBoolean();
            span.setAttribute("once.duplicate", !acted);
            return acted;
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, "rolled back, the record will be delivered again");
            throw e;
        } finally {
            span.end();
        }
    }
}
