package io.onceonly.contracts.trace;

import java.util.LinkedHashMap;
import java.util.Map;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;

/** The OpenTelemetry side of {@link TraceHeaders}; loaded only when the API is on the class path. */
final class CurrentTraceContext {

    private CurrentTraceContext() {
    }

    static Map<String, String> headers() {
        Context context = Context.current();
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            // No trace to continue: an invalid traceparent would only be noise on every record.
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>(2);
        // W3C always, whatever propagators the application registered globally: the relay and the dedup
        // app read exactly these two headers.
        W3CTraceContextPropagator.getInstance().inject(context, headers, (carrier, key, value) -> carrier.put(key, value));
        return headers;
    }
}
