package io.onceonly.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class OpsServerTest {

    @Test
    void healthAnswersUpDegradedAndDownWithTheStatusCodeAnOrchestratorActsOn() throws Exception {
        AtomicReference<HealthReport> report = new AtomicReference<>(new HealthReport(true, Map.of("engine", "RUNNING")));
        HttpClient http = HttpClient.newHttpClient();
        try (OpsServer ops = OpsServer.start(0, report::get, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of())) {
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + "/health")).build();

            HttpResponse<String> up = http.send(health, HttpResponse.BodyHandlers.ofString());
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).contains("\"status\":\"UP\"", "\"engine\":\"RUNNING\"");

            // Degraded still works: 200, so that nothing restarts it for what a restart does not fix.
            report.set(new HealthReport(true, true, Map.of("slot", Map.of("warning", "WAL piles up"))));
            HttpResponse<String> degraded = http.send(health, HttpResponse.BodyHandlers.ofString());
            assertThat(degraded.statusCode()).isEqualTo(200);
            assertThat(degraded.body()).contains("\"status\":\"DEGRADED\"", "WAL piles up");

            report.set(new HealthReport(false, true, Map.of()));
            HttpResponse<String> down = http.send(health, HttpResponse.BodyHandlers.ofString());
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("\"status\":\"DOWN\"");
        }
    }
}
