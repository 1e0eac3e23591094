package io.onceonly.dedup;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.LoggerFactory;

import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.dedup.config.DedupOptions;
import io.onceonly.dedup.topology.DecisionTracing;
import io.onceonly.dedup.topology.OpenTelemetryDecisionTracing;
import io.onceonly.runtime.AppOptions;
import io.onceonly.runtime.AppRunner;
import io.onceonly.runtime.tracing.TraceExport;
import io.opentelemetry.sdk.OpenTelemetrySdk;

/**
 * {@code java -jar dedup-streams.jar [--config dedup.properties] [--name=value ...]}.
 *
 * <p>Exit codes: 0 after a stop on SIGTERM or SIGINT (Kafka Streams closed, last transaction
 * committed); 1 when Kafka Streams fails, when it did not close within 30 s of the stop, or when an
 * output topic cannot be created at start; 2 for a configuration error (the message names the option).
 */
public final class DedupApp {

    private static final String USAGE = "Once dedup app: forwards the first record of each biz-id, drops the rest.\n\n"
            + "Usage: java -jar dedup-streams.jar [--config FILE] [--option=value ...] [--list-options]";

    private DedupApp() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        return new AppRunner(USAGE, DedupOptions.definition(), DedupOptions.PASS_THROUGH)
                .run(args, System.getenv(), DedupApp::start, System.out, System.err);
    }

    private static AppRunner.Running start(AppOptions options) {
        DedupConfig config = DedupConfig.from(options);
        LoggerFactory.getLogger(DedupApp.class).info("starting with {}", config.describe());
        // Spans only when OTEL_* asks for export; otherwise no SDK and not even a no-op span per record.
        OpenTelemetrySdk telemetry = TraceExport.startIfRequested("dedup");
        DedupService service;
        try {
            service = new DedupService(config,
                    telemetry == null ? DecisionTracing.NONE : new OpenTelemetryDecisionTracing(telemetry)).start();
        } catch (RuntimeException e) {
            closeTelemetry(telemetry);
            throw e;
        }
        return new AppRunner.Running() {
            @Override
            public String failure() {
                KafkaStreams.State state = service.state();
                return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                        ? "Kafka Streams is " + state + (service.failure() == null ? "" : ": " + service.failure()) : null;
            }

            @Override
            public void close() {
                service.close();
                closeTelemetry(telemetry);
            }

            @Override
            public String unfinishedAtStop() {
                return service.unfinishedAtStop();
            }
        };
    }

    // After Kafka Streams stopped: flushes the spans still queued for export.
    private static void closeTelemetry(OpenTelemetrySdk telemetry) {
        if (telemetry != null) {
            telemetry.close();
        }
    }
}
