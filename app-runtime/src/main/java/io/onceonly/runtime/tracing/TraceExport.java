package io.onceonly.runtime.tracing;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

/**
 * The OpenTelemetry SDK an app exports its spans with, configured by the SDK's standard
 * autoconfiguration ({@code OTEL_*} environment variables, {@code otel.*} system properties), and
 * <b>off unless asked for</b>: without {@code OTEL_TRACES_EXPORTER} (other than {@code none}),
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} there is no
 * SDK, and the app makes no span at all. The SDK's own default (OTLP to localhost, metrics and logs
 * too) would otherwise send to nowhere from every deployment.
 *
 * <p>Defaults under what the environment says: {@code service.name} the app's short name, OTLP over
 * {@code http/protobuf} (the JDK's HTTP client; gRPC would need OkHttp in the jar), no metrics and no
 * logs export (the apps have {@code /metrics} and their log). The SDK is not registered as the
 * global one. Needs the SDK autoconfiguration on the class path (the connector's and the dedup
 * app's jars have it; app-runtime has it as an optional dependency).
 */
public final class TraceExport {

    private TraceExport() {
    }

    /**
     * Whether {@code env} and {@code systemProperties} ask for trace export (see the class comment);
     * {@code OTEL_SDK_DISABLED=true} says no whatever else is set.
     */
    public static boolean requested(Map<String, String> env, Map<String, String> systemProperties) {
        if ("true".equalsIgnoreCase(setting(env, systemProperties, "otel.sdk.disabled"))) {
            return false;
        }
        String exporter = setting(env, systemProperties, "otel.traces.exporter");
        if (exporter != null && !exporter.isBlank()) {
            return !"none".equalsIgnoreCase(exporter.strip());
        }
        return present(setting(env, systemProperties, "otel.exporter.otlp.endpoint"))
                || present(setting(env, systemProperties, "otel.exporter.otlp.traces.endpoint"));
    }

    /**
     * The autoconfigured SDK when {@link #requested} by this process's environment and system
     * properties, else null. Close it after the app stopped: that flushes the spans still queued (the SDK registers no
     * shutdown hook of its own).
     *
     * @param serviceName the {@code service.name} unless {@code OTEL_SERVICE_NAME} or {@code OTEL_RESOURCE_ATTRIBUTES} name one
     * @throws io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException when the {@code OTEL_*} settings are wrong
     */
    public static OpenTelemetrySdk startIfRequested(String serviceName) {
        Map<String, String> properties = new LinkedHashMap<>();
        System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
        if (!requested(System.getenv(), properties)) {
            return null;
        }
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("otel.service.name", serviceName);
        defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        // Environment variables and system properties win over these defaults. No shutdown hook of the SDK's own: the app
        // closes it after its work stopped (AppRunner's SIGTERM handling), so the last spans are flushed, and flushed once.
        return AutoConfiguredOpenTelemetrySdk.builder().addPropertiesSupplier(() -> defaults).disableShutdownHook().build()
                .getOpenTelemetrySdk();
    }

    // The SDK's rule: a system property otel.x.y, else the environment variable OTEL_X_Y.
    private static String setting(Map<String, String> env, Map<String, String> systemProperties, String property) {
        String value = systemProperties.get(property);
        return value != null ? value : env.get(property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
