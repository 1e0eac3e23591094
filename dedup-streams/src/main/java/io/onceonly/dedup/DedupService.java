package io.onceonly.dedup;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.dedup.lag.InputLag;
import io.onceonly.dedup.lookup.BizIdLookup;
import io.onceonly.dedup.provision.OutputTopicProvisioner;
import io.onceonly.dedup.topology.DeadLetterOnProductionError;
import io.onceonly.dedup.topology.DecisionTracing;
import io.onceonly.dedup.topology.DedupMetrics;
import io.onceonly.dedup.topology.DedupTopology;
import io.onceonly.dedup.topology.OpenTelemetryDecisionTracing;
import io.onceonly.runtime.BearerToken;
import io.onceonly.runtime.HealthReport;
import io.onceonly.runtime.HealthStatusGauge;
import io.onceonly.runtime.KafkaRefusal;
import io.onceonly.runtime.OpsRoute;
import io.onceonly.runtime.OpsServer;
import io.onceonly.runtime.RequestRefusedException;

/**
 * The running dedup app: Kafka Streams with the dedup topology, the operations endpoint and the
 * lookup API. A stream thread's unexpected error shuts the instance down (health DOWN, exit 1):
 * under exactly-once a restart resumes from the last commit, where a replaced thread would meet
 * the same error again.
 *
 * <p>Before Kafka Streams starts, the output topics of every existing input are created if missing
 * ({@link OutputTopicProvisioner}); a refusal fails the start. {@link #close()} returns within
 * {@link #CLOSE_TIMEOUT} (plus a few seconds for the admin client), also while Kafka is down, and
 * {@link #unfinishedAtStop()} then says whether Kafka Streams closed cleanly.
 */
public final class DedupService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DedupService.class);

    /** How long {@link #close()} waits for Kafka Streams to commit and leave. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final DedupConfig config;
    private final DecisionTracing tracing;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DedupMetrics metrics = new DedupMetrics(registry);
    // Read by /health on the HTTP thread, which starts before Kafka Streams is made.
    private volatile KafkaStreams streams;
    private OpsServer ops;
    private KafkaStreamsMetrics streamsMetrics;
    private volatile OutputTopicProvisioner provisioner;
    private final StreamsHealth streamsHealth = new StreamsHealth();
    private final LookupRoute lookup = new LookupRoute();
    private volatile String unfinishedAtStop;
    private volatile String failure;
    private InputLag inputLag;
    private boolean pausedAtStart;
    private boolean closed;

    /** A dedup app that makes no spans. */
    public DedupService(DedupConfig config) {
        this(config, DecisionTracing.NONE);
    }

    /** A dedup app whose decisions make the spans of {@code tracing} ({@link OpenTelemetryDecisionTracing} or {@link DecisionTracing#NONE}). */
    public DedupService(DedupConfig config, DecisionTracing tracing) {
        this.config = config;
        this.tracing = tracing;
        HealthStatusGauge.register(registry, "once.dedup.health.status", this::health);
    }

    /**
     * Creates missing output topics, then starts Kafka Streams and the HTTP endpoint; returns
     * without waiting for RUNNING.
     *
     * @throws org.apache.kafka.common.config.ConfigException when inputs of one output have unequal partition counts
     * @throws IllegalStateException when an output topic cannot be created, or Kafka does not answer
     */
    public DedupService start() {
        try {
            return startAll();
        } catch (RuntimeException e) {
            // Whatever started before the failure (Admin client, HTTP server, Kafka Streams) is stopped again.
            close();
            throw e;
        }
    }

    /**
     * As {@link #start()}, with processing paused until {@link #resumeProcessing()}: the instance
     * joins its group and is assigned its partitions, but forwards nothing. For tests that need an
     * instance behind its inputs.
     */
    DedupService startPaused() {
        pausedAtStart = true;
        return start();
    }

    /** Resumes processing paused by {@link #startPaused()}. */
    void resumeProcessing() {
        streams.resume();
    }

    private DedupService startAll() {
        provisioner = OutputTopicProvisioner.connect(config);
        provisioner.provisionAtStart();
        Optional<HostInfo> self = Optional.empty();
        if (config.httpPort() >= 0) {
            ops = OpsServer.start(config.httpBindAddress(), config.httpPort(), this::health, registry,
                    List.of(OpsRoute.get(BizIdLookup.PATH, lookup)));
            self = Optional.of(new HostInfo(config.httpHost(), ops.port()));
        }
        Properties props = config.streamsProperties(self.map(h -> h.host() + ":" + h.port()));
        DeadLetterOnProductionError.install(props, config.deadLetterTopic(), metrics);
        streams = new KafkaStreams(DedupTopology.build(config, metrics, provisioner, tracing), props);
        streams.setUncaughtExceptionHandler(error -> {
            // A refused login or a missing ACL: the sentence names the principal and the grant; a stack trace would not.
            Optional<KafkaRefusal> refusal = KafkaRefusal.in(error, config.kafka());
            failure = refusal.map(KafkaRefusal::message).orElse(error.toString());
            if (refusal.isPresent()) {
                LOG.error("a stream thread failed; shutting this instance down: {}", failure);
            } else {
                LOG.error("a stream thread failed; shutting this instance down: {}", failure, error);
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            streamsHealth.entered(now);
            LOG.info("Kafka Streams {} -> {}", before, now);
        });
        self.ifPresent(host -> lookup.delegate = new BizIdLookup(streams, host, config.repartition(), config.outputs(),
                new BearerToken(config.lookupToken())));
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        Gauge.builder("once.dedup.store.entries.estimate", this, DedupService::storeEntries)
                .description("RocksDB's estimate of the biz-ids in this instance's stores").register(registry);
        if (pausedAtStart) {
            streams.pause();
        }
        streams.start();
        provisioner.watch();
        inputLag = InputLag.start(config, () -> streams, registry);
        LOG.info("dedup app {} started: inputs {}, {} ({}), retention {}{}", config.applicationId(),
                config.inputPattern().map(p -> "/" + p.pattern() + "/").orElse(config.inputTopics().toString()),
                config.processingGuarantee(), config.repartition() ? "repartitioned by biz-id" : "keyed as produced",
                config.retention(), ops == null ? "" : ", HTTP on port " + ops.port());
        return this;
    }

    private double storeEntries() {
        return sumOf("estimate-num-keys", name -> name.tags().containsValue(DedupTopology.STORE));
    }

    /**
     * The commits of this instance's stream threads so far (Kafka Streams' {@code commit-total}): under
     * exactly_once_v2 each is a transaction, which stops its thread for a flush and two round trips.
     */
    public double commits() {
        return sumOf("commit-total", name -> name.group().equals("stream-thread-metrics"));
    }

    private double sumOf(String metric, Predicate<MetricName> which) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> m : streams.metrics().entrySet()) {
            if (m.getKey().name().equals(metric) && which.test(m.getKey()) && m.getValue().metricValue() instanceof Number n) {
                sum += n.doubleValue();
            }
        }
        return sum;
    }

    /** What {@code /health} reports: UP once Kafka Streams was RUNNING, while RUNNING or REBALANCING. */
    public HealthReport health() {
        KafkaStreams.State state = streams == null ? KafkaStreams.State.CREATED : streams.state();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("streams", state.name());
        details.put("recordsIn", metrics.inCount());
        details.put("forwarded", metrics.forwardedCount());
        details.put("duplicates", metrics.duplicateCount());
        details.put("deadLettered", metrics.deadLetteredCount());
        details.put("unproducible", metrics.unproducibleCount());
        details.put("unguarded", metrics.unguardedCount());
        if (failure != null) {
            details.put("failure", failure);
        }
        if (provisioner != null && !provisioner.refusals().isEmpty()) {
            details.put("outputTopicsRefused", provisioner.refusals());
        }
        return new HealthReport(streamsHealth.up(state), details);
    }

    /** Waits until Kafka Streams is RUNNING. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streams.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return false;
    }

    /** Why a stream thread failed (the instance then shuts down), or null: a refusal of Kafka in one sentence, or the error. */
    public String failure() {
        return failure;
    }

    /** The Kafka Streams state. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    public DedupMetrics metrics() {
        return metrics;
    }

    /** The HTTP port, or -1 when off. */
    public int httpPort() {
        return ops == null ? -1 : ops.port();
    }

    /**
     * Stops within {@link #CLOSE_TIMEOUT} plus a few seconds: Kafka Streams commits its open
     * transaction and leaves, or is abandoned at the timeout (its transaction is then aborted by
     * the broker and the next start resumes from the last commit).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        if (streams != null) {
            boolean closed = streams.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            KafkaStreams.State state = streams.state();
            if (!closed) {
                unfinishedAtStop = "Kafka Streams did not close within " + CLOSE_TIMEOUT.toSeconds() + " s (state " + state
                        + "): what it processed since its last commit is not committed; the next start resumes from there";
            } else if (state == KafkaStreams.State.ERROR) {
                unfinishedAtStop = "Kafka Streams had failed before the stop (state ERROR)";
            }
        }
        if (inputLag != null) {
            inputLag.close();
        }
        if (provisioner != null) {
            provisioner.close();
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (ops != null) {
            ops.close();
        }
        if (lookup.delegate != null) {
            lookup.delegate.close();
        }
        LOG.info("dedup app stopped in {} ms{}: {} in, {} forwarded, {} duplicates, {} dead-lettered",
                (System.nanoTime() - started) / 1_000_000, unfinishedAtStop == null ? "" : " uncleanly", metrics.inCount(),
                metrics.forwardedCount(), metrics.duplicateCount(), metrics.deadLetteredCount());
    }

    /** After {@link #close()}: null when Kafka Streams closed cleanly, else what was left unfinished. */
    public String unfinishedAtStop() {
        return unfinishedAtStop;
    }

    /** The lookup route exists before Kafka Streams does (its port goes into application.server). */
    private static final class LookupRoute implements com.sun.net.httpserver.HttpHandler {
        private volatile BizIdLookup delegate;

        @Override
        public void handle(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
            if (delegate == null) {
                throw new RequestRefusedException(503, "starting: the lookup answers once Kafka Streams is made",
                        Map.of("Retry-After", "1"));
            }
            delegate.handle(exchange);
        }
    }
}
