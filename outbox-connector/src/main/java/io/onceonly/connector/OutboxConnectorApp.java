package io.onceonly.connector;

import java.util.concurrent.CompletionException;

import org.slf4j.LoggerFactory;

import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.relay.OpenTelemetryRelayTracing;
import io.onceonly.connector.relay.RelayFencedException;
import io.onceonly.connector.relay.RelayTracing;
import io.onceonly.connector.source.SlotLostException;
import io.onceonly.connector.standby.SlotTakenException;
import io.onceonly.runtime.AppOptions;
import io.onceonly.runtime.AppRunner;
import io.onceonly.runtime.KafkaRefusal;
import io.onceonly.runtime.tracing.TraceExport;
import io.opentelemetry.sdk.OpenTelemetrySdk;

/**
 * {@code java -jar outbox-connector.jar [--config connector.properties] [--name=value ...]}.
 *
 * <p>Exit codes: 0 after a stop on SIGTERM or SIGINT (engine stopped, producer flushed, position
 * saved), 1 when the engine fails or stops by itself, 2 for a configuration error (the message
 * names the option).
 */
public final class OutboxConnectorApp {

    private static final String USAGE = "Once outbox connector: relays the PostgreSQL outbox table to Kafka.\n\n"
            + "Usage: java -jar outbox-connector.jar [--config FILE] [--option=value ...] [--list-options]";

    private OutboxConnectorApp() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        return new AppRunner(USAGE, ConnectorOptions.definition(), ConnectorOptions.PASS_THROUGH)
                .run(args, System.getenv(), OutboxConnectorApp::start, System.out, System.err);
    }

    private static AppRunner.Running start(AppOptions options) {
        ConnectorConfig config = ConnectorConfig.from(options);
        LoggerFactory.getLogger(OutboxConnectorApp.class).info("starting with {}", config.describe());
        // Spans only when OTEL_* asks for export; otherwise no SDK and not even a no-op span per record.
        OpenTelemetrySdk telemetry = TraceExport.startIfRequested("connector");
        OutboxConnector connector = new OutboxConnector(config,
                telemetry == null ? RelayTracing.NONE : new OpenTelemetryRelayTracing(telemetry));
        try {
            connector.start();
        } catch (RuntimeException e) {
            connector.close();
            closeTelemetry(telemetry);
            throw e;
        }
        return new AppRunner.Running() {
            @Override
            public String failure() {
                if (!connector.finished().isDone()) {
                    return null;
                }
                try {
                    connector.finished().getNow(null);
                    return "the Debezium engine stopped by itself";
                } catch (CompletionException e) {
                    return e.getCause() instanceof SlotLostException || e.getCause() instanceof RelayFencedException
                            || e.getCause() instanceof SlotTakenException
                            ? e.getCause().getMessage()
                            : "the Debezium engine failed: " + KafkaRefusal.in(e.getCause(), config.kafka()).map(KafkaRefusal::message)
                                    .orElse(String.valueOf(e.getCause()));
                }
            }

            @Override
            public void close() {
                connector.close();
                closeTelemetry(telemetry);
            }

            @Override
            public String unfinishedAtStop() {
                return connector.unfinishedAtStop();
            }
        };
    }

    // After the relay stopped: flushes the spans still queued for export.
    private static void closeTelemetry(OpenTelemetrySdk telemetry) {
        if (telemetry != null) {
            telemetry.close();
        }
    }
}
