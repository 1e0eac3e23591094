package io.onceonly.runtime;

import java.util.List;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What {@code /health} answers, on {@code /metrics}: one gauge per status word, 1 for the status
 * {@code /health} would answer now and 0 for the others, so an alert or a dashboard sees DOWN and
 * DEGRADED without calling {@code /health} itself. The report is made at each scrape.
 */
public final class HealthStatusGauge {

    /** The status words, as {@link HealthReport#status()} gives them. */
    public static final List<String> STATUSES = List.of("UP", "DEGRADED", "DOWN");

    private HealthStatusGauge() {
    }

    /**
     * Registers {@code name} with a {@code status} tag per status word.
     *
     * @param name the meter name, for example {@code once.connector.health.status}
     */
    public static void register(MeterRegistry registry, String name, Supplier<HealthReport> health) {
        for (String status : STATUSES) {
            Gauge.builder(name, health, h -> status.equals(h.get().status()) ? 1 : 0)
                    .tag("status", status)
                    // The supplier is often a method reference nothing else holds; a weak one would read NaN after a GC.
                    .strongReference(true)
                    .description("1 for the status /health answers now (UP, DEGRADED or DOWN), 0 for the others")
                    .register(registry);
        }
    }
}
