package io.onceonly.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code /health} answers: UP (HTTP 200) or DOWN (HTTP 503), with details a person can read.
 *
 * @param up whether the app does its work
 * @param details named facts, in order (state, last event time, ...)
 */
public record HealthReport(boolean up, Map<String, Object> details) {

    public HealthReport {
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
