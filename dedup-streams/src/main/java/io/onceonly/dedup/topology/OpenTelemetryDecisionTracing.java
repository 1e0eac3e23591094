package io.onceonly.dedup.topology;

import org.apache.kafka.common.header.Headers;

import io.onceonly.contracts.trace.RecordTraceContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

/**
 * A CONSUMER span {@code dedup <topic>} per decision, child of the trace context the record carries
 * ({@code traceparent}, written by {@code OutboxWriter} in the business transaction), with the
 * decision as {@code once.dedup.decision} ({@code forwarded}, {@code read-again}, {@code duplicate},
 * {@code dead-letter}). A dropped duplicate's span links to the span of its biz-id's first
 * occurrence, whose {@code traceparent} the store keeps with it ({@link FirstSeen#traceparent()}).
 *
 * <p>Spans are not part of the Kafka transaction: a decision whose transaction aborts (a crash
 * before the commit) has its span exported anyway, and the record's second processing makes another.
 */
public final class OpenTelemetryDecisionTracing implements DecisionTracing {

    /** The instrumentation scope of the dedup app's spans. */
    public static final String SCOPE = "io.onceonly.dedup";

    private static final AttributeKey<String> DECISION = AttributeKey.stringKey("once.dedup.decision");
    private static final AttributeKey<String> FIRST_EVENT_ID = AttributeKey.stringKey("once.first_event_id");

    private final Tracer tracer;

    /** Spans made with {@code openTelemetry}'s tracer. */
    public OpenTelemetryDecisionTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(SCOPE);
    }

    @Override
    public Decision started(String topic, Headers headers, String bizId) {
        Span span = tracer.spanBuilder("dedup " + topic)
                .setParent(RecordTraceContext.parentOf(headers))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("once.biz_id", bizId)
                .startSpan();
        return new Decision() {
            @Override
            public String traceparent() {
                SpanContext context = span.getSpanContext();
                return context.isValid() ? RecordTraceContext.traceparent(context) : null;
            }

            @Override
            public void forwarded(boolean readAgain) {
                span.setAttribute(DECISION, readAgain ? "read-again" : "forwarded");
                span.end();
            }

            @Override
            public void dropped(FirstSeen first) {
                span.setAttribute(DECISION, "duplicate");
                SpanContext firstSpan = RecordTraceContext.fromTraceparent(first.traceparent());
                if (firstSpan.isValid()) {
                    span.addLink(firstSpan, first.eventId() == null ? Attributes.empty() : Attributes.of(FIRST_EVENT_ID, first.eventId()));
                }
                span.end();
            }

            @Override
            public void divertedOrFailed(String why) {
                span.setAttribute(DECISION, "dead-letter");
                span.setStatus(StatusCode.ERROR, why);
                span.end();
            }
        };
    }
}
