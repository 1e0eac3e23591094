package io.onceonly.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TraceExportTest {

    @Test
    void nothingSetMeansNoExport() {
        assertThat(TraceExport.requested(Map.of(), Map.of())).isFalse();
        assertThat(TraceExport.requested(Map.of("OTEL_SERVICE_NAME", "connector", "OTEL_METRICS_EXPORTER", "otlp"), Map.of())).isFalse();
    }

    @Test
    void anExporterOrAnEndpointAsksForExport() {
        assertThat(TraceExport.requested(Map.of("OTEL_TRACES_EXPORTER", "otlp"), Map.of())).isTrue();
        assertThat(TraceExport.requested(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), Map.of())).isTrue();
        assertThat(TraceExport.requested(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces"), Map.of()))
                .isTrue();
        assertThat(TraceExport.requested(Map.of(), Map.of("otel.traces.exporter", "console"))).isTrue();
    }

    @Test
    void noneOrADisabledSdkSaysNo() {
        assertThat(TraceExport.requested(Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), Map.of()))
                .isFalse();
        assertThat(TraceExport.requested(Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_SDK_DISABLED", "true"), Map.of())).isFalse();
        // A system property wins over the environment variable, as in the SDK.
        assertThat(TraceExport.requested(Map.of("OTEL_TRACES_EXPORTER", "otlp"), Map.of("otel.traces.exporter", "none"))).isFalse();
    }
}
