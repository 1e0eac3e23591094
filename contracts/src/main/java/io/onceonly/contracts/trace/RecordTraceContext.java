package io.onceonly.contracts.trace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * The W3C trace context a Kafka record (or an outbox row turned record) carries in its
 * {@value TraceHeaders#TRACEPARENT} and {@value TraceHeaders#TRACESTATE} headers, as OpenTelemetry
 * sees it: the parent of the spans that the connector, the dedup app and consumers make for it.
 *
 * <p>Needs the OpenTelemetry API on the class path (contracts' optional dependency); call it only
 * from code that has it.
 */
public final class RecordTraceContext {

    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>();
            carrier.forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            if (carrier == null) {
                return null;
            }
            Header header = carrier.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private RecordTraceContext() {
    }

    /**
     * The context to start a record's span in: the record's remote span as parent, or the root
     * context (a new trace) when it carries no valid {@code traceparent}.
     */
    public static Context parentOf(Headers headers) {
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
    }

    /** The record's remote span context; invalid when it carries no valid {@code traceparent}. */
    public static SpanContext spanContextOf(Headers headers) {
        return Span.fromContext(parentOf(headers)).getSpanContext();
    }

    /** The span context written as a {@code traceparent} header value, for example in a state store. */
    public static String traceparent(SpanContext spanContext) {
        return "00-" + spanContext.getTraceId() + "-" + spanContext.getSpanId() + "-" + spanContext.getTraceFlags().asHex();
    }

    /** The span context a {@code traceparent} value names; invalid when the value is null or malformed. */
    public static SpanContext fromTraceparent(String traceparent) {
        if (traceparent == null) {
            return SpanContext.getInvalid();
        }
        Context context = W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent,
                new TextMapGetter<String>() {
                    @Override
                    public Iterable<String> keys(String carrier) {
                        return List.of(TraceHeaders.TRACEPARENT);
                    }

                    @Override
                    public String get(String carrier, String key) {
                        return TraceHeaders.TRACEPARENT.equals(key) ? carrier : null;
                    }
                });
        return Span.fromContext(context).getSpanContext();
    }
}
