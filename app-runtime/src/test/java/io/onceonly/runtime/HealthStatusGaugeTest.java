package io.onceonly.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class HealthStatusGaugeTest {

    @Test
    void theStatusHealthWouldAnswerIsOneAndTheOthersZeroAtEachScrape() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicReference<HealthReport> now = new AtomicReference<>(new HealthReport(true, Map.of()));
        HealthStatusGauge.register(registry, "test.health.status", now::get);
        System.gc();

        assertThat(registry.scrape()).contains("test_health_status{status=\"UP\"} 1.0", "test_health_status{status=\"DEGRADED\"} 0.0",
                "test_health_status{status=\"DOWN\"} 0.0");
        now.set(new HealthReport(true, true, Map.of()));
        assertThat(registry.scrape()).contains("test_health_status{status=\"UP\"} 0.0", "test_health_status{status=\"DEGRADED\"} 1.0");
        now.set(new HealthReport(false, Map.of()));
        assertThat(registry.scrape()).contains("test_health_status{status=\"DEGRADED\"} 0.0", "test_health_status{status=\"DOWN\"} 1.0");
    }
}
