package io.onceonly.connector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.connector.relay.Relay;
import io.onceonly.connector.relay.RelayMetrics;
import io.onceonly.connector.routing.OutboxRouter;
import io.onceonly.connector.source.EngineProperties;
import io.onceonly.connector.source.SourceDatabase;
import io.onceonly.runtime.HealthReport;
import io.onceonly.runtime.OpsServer;

/**
 * The running connector: the Debezium engine on the outbox table, the idempotent producer, and
 * the operations endpoint. {@link #start()} returns once the engine runs; {@link #close()} stops
 * the engine (which saves the acknowledged position), flushes and closes the producer.
 */
public final class OutboxConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxConnector.class);

    private final ConnectorConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RelayMetrics metrics = new RelayMetrics(registry);
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final ExecutorService engineThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "once-outbox-engine"));
    private volatile boolean running;
    private Relay relay;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private OpsServer ops;

    public OutboxConnector(ConnectorConfig config) {
        this.config = config;
    }

    /** Checks the database, starts the engine, the producer and the HTTP endpoint. */
    public OutboxConnector start() {
        new SourceDatabase(config).prepare();
        if ("file".equals(config.offsetStorage())) {
            createParent(Path.of(config.offsetFile()));
        }
        OutboxRouter router = new OutboxRouter(config.topicPrefix(), config.deadLetterTopic(), config.outboxTable(), config.columns());
        relay = new Relay(router, this::newProducer, metrics, config.sendRetryBackoffMaxMs(), config.deadLetterTopic());
        Properties props = EngineProperties.of(config);
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(props)
                .notifying(relay)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        running = true;
                    }

                    @Override
                    public void taskStopped() {
                        running = false;
                    }
                })
                .using((success, message, error) -> {
                    running = false;
                    if (success) {
                        finished.complete(null);
                    } else {
                        finished.completeExceptionally(error != null ? error : new IllegalStateException(message));
                    }
                })
                .build();
        engineThread.execute(engine);
        if (config.httpPort() >= 0) {
            ops = OpsServer.start(config.httpPort(), this::health, registry, Map.of());
        }
        LOG.info("outbox connector started: {} -> Kafka {} (slot {}, publication {}, offsets in {}){}",
                config.outboxTable(), config.kafka().get("bootstrap.servers"), config.slotName(), config.publicationName(),
                config.offsetStorage(), ops == null ? "" : ", /health and /metrics on port " + ops.port());
        return this;
    }

    private Producer<byte[], byte[]> newProducer() {
        Map<String, Object> props = new LinkedHashMap<>(config.kafka());
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, config.name());
        // Latency over batching: at 2,000 events/s a few ms of linger fill batches without showing in p99.
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "2");
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Not overridable: ConnectorConfig refuses values that would break order or deduplication.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** What {@code /health} reports. */
    public HealthReport health() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("engine", running ? "RUNNING" : finished.isDone() ? "STOPPED" : "STARTING");
        details.put("producer", relay != null && relay.producerHealthy() ? "OK" : "RETRYING");
        if (relay != null && relay.lastSendError() != null) {
            details.put("lastSendError", relay.lastSendError());
        }
        Instant last = metrics.lastRelayedAt();
        details.put("lastRelayedAt", last == null ? null : last.toString());
        details.put("eventsRelayed", metrics.relayedCount());
        details.put("eventsDeadLettered", metrics.deadLetteredCount());
        details.put("sendRetries", metrics.retryCount());
        return new HealthReport(running && relay.producerHealthy(), details);
    }

    /** The meters, for tests and embedding. */
    public RelayMetrics metrics() {
        return metrics;
    }

    /** The HTTP port of /health and /metrics, or -1 when off. */
    public int httpPort() {
        return ops == null ? -1 : ops.port();
    }

    /** Completes when the engine stops: normally after {@link #close()}, exceptionally on a fatal error. */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    /** Whether the engine's task runs. */
    public boolean isRunning() {
        return running;
    }

    @Override
    public void close() {
        long started = System.nanoTime();
        closeEngine();
        engineThread.shutdown();
        try {
            if (!engineThread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("the Debezium engine did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (relay != null) {
            relay.close();
        }
        if (ops != null) {
            ops.close();
        }
        LOG.info("outbox connector stopped in {} ms: {} events relayed, {} dead-lettered, {} resends",
                (System.nanoTime() - started) / 1_000_000, metrics.relayedCount(), metrics.deadLetteredCount(), metrics.retryCount());
    }

    // The engine refuses close() while its task is still starting: a SIGTERM right after start must wait for that.
    private void closeEngine() {
        if (engine == null) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                engine.close();
                return;
            } catch (IllegalStateException e) {
                if (finished.isDone() || System.nanoTime() > deadline) {
                    LOG.debug("engine close: {}", e.toString());
                    return;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (IOException e) {
                LOG.warn("the Debezium engine did not close cleanly: {}", e.toString());
                return;
            }
        }
    }

    private static void createParent(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + parent + " for offset.storage.file", e);
        }
    }
}
