package io.onceonly.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code /health} answers: UP (HTTP 200), DEGRADED (HTTP 200: the app does its work, but an
 * operator should look, for example at WAL piling up behind a replication slot) or DOWN (HTTP
 * 503), with details a person can read.
 *
 * @param up whether the app does its work
 * @param degraded whether it does, with something an operator must act on before it stops doing it
 * @param details named facts, in order (state, last event time, ...)
 */
public record HealthReport(boolean up, boolean degraded, Map<String, Object> details) {

    public HealthReport {
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** UP or DOWN, nothing to warn about. */
    public HealthReport(boolean up, Map<String, Object> details) {
        this(up, false, details);
    }

    /** The status word {@code /health} answers with. */
    public String status() {
        return !up ? "DOWN" : degraded ? "DEGRADED" : "UP";
    }
}
