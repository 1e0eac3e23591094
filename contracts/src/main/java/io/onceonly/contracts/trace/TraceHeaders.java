package io.onceonly.contracts.trace;

import java.util.Map;

/**
 * The W3C trace context (<a href="https://www.w3.org/TR/trace-context/">traceparent, tracestate</a>)
 * as outbox headers: what {@link io.onceonly.contracts.OutboxWriter} adds to an event written inside
 * a traced transaction, and what the connector, the dedup app and consumers continue the trace from.
 *
 * <p>The OpenTelemetry API is an optional dependency: without it on the class path there is no
 * current trace and {@link #current()} is empty. No agent is needed; with one, its context is the
 * current one.
 */
public final class TraceHeaders {

    /** The W3C header naming trace, parent span and flags. */
    public static final String TRACEPARENT = "traceparent";
    /** The W3C header of vendor-specific trace data. */
    public static final String TRACESTATE = "tracestate";

    private static final boolean API_PRESENT = apiPresent();

    private TraceHeaders() {
    }

    /** Whether the OpenTelemetry API is on the class path. */
    public static boolean apiPresent() {
        try {
            Class.forName("io.opentelemetry.context.Context", false, TraceHeaders.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The headers of the current span's context ({@code traceparent}, and {@code tracestate} when it
     * has entries), or an empty map when there is no valid current span or no OpenTelemetry API.
     */
    public static Map<String, String> current() {
        // The API's classes are only touched when present: CurrentTraceContext is not loaded otherwise.
        return API_PRESENT ? CurrentTraceContext.headers() : Map.of();
    }
}
