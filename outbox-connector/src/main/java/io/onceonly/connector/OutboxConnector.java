package io.onceonly.connector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.AuthenticationException;
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
import io.onceonly.connector.relay.Blockage;
import io.onceonly.connector.relay.OpenTelemetryRelayTracing;
import io.onceonly.connector.relay.Relay;
import io.onceonly.connector.relay.RelayTracing;
import io.onceonly.connector.relay.RelayFencedException;
import io.onceonly.connector.relay.TransactionCapacity;
import io.onceonly.connector.relay.RelayMetrics;
import io.onceonly.connector.retention.OutboxRetention;
import io.onceonly.connector.routing.OutboxRouter;
import io.onceonly.connector.source.EngineProperties;
import io.onceonly.connector.source.ReplicationSlot;
import io.onceonly.connector.source.SlotHealth;
import io.onceonly.connector.source.SlotLostException;
import io.onceonly.connector.source.SlotOccupancy;
import io.onceonly.connector.source.SourceDatabase;
import io.onceonly.connector.standby.ConnectorRole;
import io.onceonly.connector.standby.LostRace;
import io.onceonly.connector.standby.OtherReader;
import io.onceonly.connector.standby.Role;
import io.onceonly.connector.standby.SlotTakenException;
import io.onceonly.connector.standby.Takeover;
import io.onceonly.runtime.HealthReport;
import io.onceonly.runtime.HealthStatusGauge;
import io.onceonly.runtime.KafkaRefusal;
import io.onceonly.runtime.OpsServer;

/**
 * The running connector: the Debezium engine on the outbox table, the idempotent producer, and
 * the operations endpoint. {@link #start()} returns once the engine runs, or at once as a standby
 * when another instance streams the slot; {@link #close()} stops the engine (which saves the
 * acknowledged position), flushes and closes the producer.
 */
public final class OutboxConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxConnector.class);

    private final ConnectorConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RelayMetrics metrics = new RelayMetrics(registry);
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final ExecutorService engineThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "once-outbox-engine"));
    /** How long {@link #close()} takes at most: the engine's stop, then the producers' flush. */
    public static final Duration STOP_BOUND = Duration.ofSeconds(30);

    // How long the stop waits for the acknowledgements of batches in flight (relay.max.in.flight.batches > 1).
    private static final Duration IN_FLIGHT_STOP = Duration.ofSeconds(5);
    private static final Duration PRODUCER_STOP = Duration.ofSeconds(10);
    private static final Duration TRANSACTION_CHECK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SLOT_HEALTH_PERIOD = Duration.ofSeconds(10);

    private final ConnectorRole role = new ConnectorRole(registry, Clock.systemUTC());
    private final SlotHealth slotHealth;
    // Null when outbox.retention is not set. Its looks run on a thread of their own: a long purge must not delay the
    // looks at the slot.
    private final OutboxRetention retention;
    private final ScheduledExecutorService purging;
    // Runs the standby's look at the slot, then the active instance's look for another reader.
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "once-outbox-standby");
        t.setDaemon(true);
        return t;
    });

    private volatile boolean running;
    private volatile boolean closing;
    private volatile String unfinished;
    private volatile Relay relay;
    private final RelayTracing tracing;
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private volatile ScheduledFuture<?> looking;
    private volatile ScheduledFuture<?> watchingOthers;
    private volatile ScheduledFuture<?> purgeLooks;
    private Takeover takeover;
    private boolean refusedTermination;
    private volatile boolean slotUnreadable;
    private ReplicationSlot slot;
    private OutboxRouter router;
    private OpsServer ops;

    /** A connector that makes no spans. */
    public OutboxConnector(ConnectorConfig config) {
        this(config, RelayTracing.NONE);
    }

    /** A connector whose relay makes the spans of {@code tracing} ({@link OpenTelemetryRelayTracing} or {@link RelayTracing#NONE}). */
    public OutboxConnector(ConnectorConfig config, RelayTracing tracing) {
        this.config = config;
        this.tracing = tracing;
        this.slotHealth = new SlotHealth(registry, config.slotName(), config.slotRetainedWalWarnBytes());
        HealthStatusGauge.register(registry, "once.connector.health.status", this::health);
        this.retention = config.retention().isPresent() ? new OutboxRetention(config, registry) : null;
        this.purging = retention == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "once-outbox-retention");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Checks the database, starts the HTTP endpoint and, when nobody streams the replication slot,
     * the producer and the engine. When another reader holds the slot this instance is a standby:
     * it returns at once and starts the engine as soon as the slot is free (or its holder went
     * silent for {@code standby.takeover.after.ms}).
     */
    public OutboxConnector start() {
        new SourceDatabase(config).prepare();
        slot = new ReplicationSlot(config);
        slot.checkBeforeStart();
        if ("file".equals(config.offsetStorage())) {
            createParent(Path.of(config.offsetFile()));
        }
        router = new OutboxRouter(config.topicPrefix(), config.deadLetterTopic(), config.outboxTable(), config.columns());
        router.existingTopics(existingTopics());
        if (config.exactlyOnce()) {
            // Checked by a standby too: a setting that cannot work should fail its start, not its takeover.
            new TransactionCapacity(kafkaClient("-admin")).require(TRANSACTION_CHECK_TIMEOUT);
        }
        takeover = new Takeover(Duration.ofMillis(config.standbyTakeoverAfterMs()));
        SlotOccupancy now = occupancy();
        if (now != null && now.held()) {
            // A silent holder too: the first look, one interval later, ends it if it is still silent.
            role.start(Role.STANDBY, "another reader holds the replication slot (walsender pid " + now.holderPid() + ", last reply "
                    + now.silentFor().toMillis() + " ms ago); looking again every " + config.standbyPollIntervalMs() + " ms");
            long poll = config.standbyPollIntervalMs();
            looking = watch.scheduleWithFixedDelay(() -> lookAtSlot(takeover), poll, poll, TimeUnit.MILLISECONDS);
        } else {
            claim(now, takeover);
        }
        // Both roles report it: the standby watches the same slot, and is the one left reporting when the active one hangs.
        watch.scheduleWithFixedDelay(this::lookAtRetention, 0, SLOT_HEALTH_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        if (config.httpPort() >= 0) {
            ops = OpsServer.start(config.httpBindAddress(), config.httpPort(), this::health, registry, List.of());
        }
        LOG.info("outbox connector started as {}: {} -> Kafka {} (slot {}, publication {}, offsets in {}, {}){}", role.current().label(),
                config.outboxTable(), config.kafka().get("bootstrap.servers"), config.slotName(), config.publicationName(),
                config.offsetStorage(), config.exactlyOnce() ? "exactly-once, transactional.id " + config.transactionalId()
                        : "at-least-once", ops == null ? "" : ", /health and /metrics on port " + ops.port());
        return this;
    }

    // Null when the slot cannot be read: then the engine starts and Debezium says what is wrong.
    private SlotOccupancy occupancy() {
        try {
            SlotOccupancy now = slot.occupancy();
            if (slotUnreadable) {
                slotUnreadable = false;
                LOG.info("replication slot {} can be read again", config.slotName());
            }
            return now;
        } catch (SQLException e) {
            // Twice a second during a database outage: say it once, not every look.
            if (!slotUnreadable) {
                slotUnreadable = true;
                LOG.warn("cannot read who streams replication slot {}: {}; looking again every {} ms", config.slotName(),
                        e.getMessage(), config.standbyPollIntervalMs());
            }
            return null;
        }
    }

    private void lookAtRetention() {
        if (closing) {
            return;
        }
        try {
            slotHealth.update(slot.retention());
        } catch (SQLException e) {
            // The look at the slot's holder says when the database cannot be read; the figures go blank meanwhile.
            slotHealth.update(null);
        }
    }

    // The standby's poll: start as soon as the slot is free or its holder went silent.
    private void lookAtSlot(Takeover takeover) {
        if (closing || finished.isDone()) {
            return;
        }
        SlotOccupancy now = occupancy();
        if (now == null || takeover.decide(now) == Takeover.Verdict.WAIT) {
            return;
        }
        try {
            claim(now, takeover);
        } catch (RuntimeException e) {
            LOG.error("the standby could not take over: {}", e.toString());
            finished.completeExceptionally(e);
        }
    }

    // Ends a silent holder if need be, then starts the engine; from then on, watches for another reader taking over.
    private synchronized void claim(SlotOccupancy now, Takeover takeover) {
        if (closing) {
            return;
        }
        String reason = now == null ? "the replication slot's state is unknown; starting the engine" : takeover.reason(now);
        if (now != null && takeover.decide(now) == Takeover.Verdict.END_SILENT_HOLDER && !endHolder(now.holderPid())) {
            return;
        }
        if (looking != null) {
            looking.cancel(false);
        }
        if (engine == null) {
            startEngine();
        }
        if (role.current() == Role.ACTIVE) {
            return;
        }
        if (looking == null) {
            role.start(Role.ACTIVE, reason);
        } else {
            role.become(Role.ACTIVE, reason);
        }
        long poll = config.standbyPollIntervalMs();
        // The last batch's position reaches the slot within a flush interval plus Debezium's one-second status update;
        // the rest is margin for a loaded machine, since mistaking its own confirmation for another reader's would stop
        // a healthy instance, while a woken zombie only stops a few seconds later.
        OtherReader other = new OtherReader(Duration.ofMillis(config.offsetFlushIntervalMs() + poll + 4_000));
        watchingOthers = watch.scheduleWithFixedDelay(() -> lookForOtherReader(other), poll, poll, TimeUnit.MILLISECONDS);
        if (retention != null) {
            long period = config.retentionPeriodMs();
            purgeLooks = purging.scheduleWithFixedDelay(this::purge, period, period, TimeUnit.MILLISECONDS);
            LOG.info("outbox retention on: rows of {} older than {} are deleted once relayed, looked for every {} ms", config.outboxTable(),
                    config.retention().get(), period);
        }
    }

    // Only the active instance purges, and only while its engine runs; the proof itself is the slot's (OutboxRetention).
    private void purge() {
        if (!mayPurge()) {
            return;
        }
        try {
            retention.runOnce(this::mayPurge);
        } catch (RuntimeException e) {
            // An exception would end the schedule without a word; the next look tries again.
            LOG.warn("outbox retention look failed: {}", e.toString());
        }
    }

    private boolean mayPurge() {
        return !closing && !finished.isDone() && running && role.current() == Role.ACTIVE;
    }

    // False when the walsender cannot be ended: the standby keeps waiting (the server ends it at wal_sender_timeout).
    private boolean endHolder(int pid) {
        try {
            slot.terminateHolder(pid);
        } catch (SQLException e) {
            if (!refusedTermination) {
                refusedTermination = true;
                LOG.warn("cannot end the silent walsender (pid {}) holding replication slot {}: {}. Give {} pg_signal_backend or run"
                        + " both instances as the same role; until then the standby waits for the server's wal_sender_timeout",
                        pid, config.slotName(), e.getMessage(), config.databaseUser());
            }
            return false;
        }
        // The slot is released when the walsender has exited: wait for it briefly, Debezium retries the rest.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            SlotOccupancy now = occupancy();
            if (now != null && !now.held()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    // The active instance's watch: a paused or cut-off instance that woke up after a standby took over stops.
    private void lookForOtherReader(OtherReader other) {
        Relay current = relay;
        if (closing || finished.isDone() || current == null) {
            return;
        }
        SlotOccupancy now = occupancy();
        if (other.streams(current.activity(), now, System.nanoTime())) {
            SlotTakenException taken = new SlotTakenException(config.slotName(), now.holderPid());
            LOG.error("{}", taken.getMessage());
            role.become(Role.STANDBY, "another instance took over the replication slot; stopping");
            finished.completeExceptionally(taken);
        }
    }

    private void startEngine() {
        if (config.exactlyOnce()) {
            // Before the engine reads the saved position: this fences an older instance and settles its open transaction.
            relay = Relay.exactlyOnce(router, this::newTransactionalProducer, metrics, config.sendRetryBackoffMaxMs(),
                    config.deadLetterTopic(), config.transactionalId(), config.offsetTopic(), config.name(), config.maxEventRequestSize(), tracing);
        } else {
            relay = new Relay(router, this::newProducer, metrics, config.sendRetryBackoffMaxMs(), config.deadLetterTopic(), tracing,
                    config.relayMaxInFlightBatches());
        }
        ReplicationSlot slot = this.slot;
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
                    if (!success && relay != null && LostRace.lost(config.exactlyOnce(), relay.activity(), occupancy())) {
                        backToStandby("another instance streams the replication slot again and this one relayed nothing since it"
                                + " started its engine (" + rootMessage(error, message) + "); waiting as the standby again");
                        return;
                    }
                    if (success) {
                        finished.complete(null);
                    } else {
                        Throwable why = slot.explain(error != null ? error : new IllegalStateException(message));
                        RelayFencedException fenced = fencedIn(why);
                        if (fenced != null) {
                            why = fenced;
                            role.become(Role.STANDBY, "Kafka fenced this instance's transactional producer; stopping");
                        }
                        if (why instanceof SlotLostException || why instanceof RelayFencedException) {
                            LOG.error("{}", why.getMessage());
                        }
                        finished.completeExceptionally(why);
                    }
                })
                .build();
        engineThread.execute(engine);
    }

    // On the engine's thread, as its last act: nothing of this engine remains, the standby's look at the slot resumes.
    private synchronized void backToStandby(String reason) {
        engine = null;
        if (watchingOthers != null) {
            watchingOthers.cancel(false);
        }
        if (purgeLooks != null) {
            purgeLooks.cancel(false);
        }
        Relay old = relay;
        relay = null;
        if (old != null) {
            old.close(PRODUCER_STOP);
        }
        if (closing) {
            finished.complete(null);
            return;
        }
        role.become(Role.STANDBY, reason);
        long poll = config.standbyPollIntervalMs();
        looking = watch.scheduleWithFixedDelay(() -> lookAtSlot(takeover), poll, poll, TimeUnit.MILLISECONDS);
    }

    private static String rootMessage(Throwable error, String message) {
        Throwable root = error;
        while (root != null && root.getCause() != null) {
            root = root.getCause();
        }
        return root != null ? root.getMessage() : message;
    }

    private static RelayFencedException fencedIn(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof RelayFencedException fenced) {
                return fenced;
            }
        }
        return null;
    }

    private Map<String, Object> kafkaClient(String clientIdSuffix) {
        Map<String, Object> props = new LinkedHashMap<>(config.kafka());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, config.name() + clientIdSuffix);
        return props;
    }

    // Best effort: a principal that may not list topics still relays; collisions then show at the first send. A refused
    // login is not passed by waiting: the start fails, before the engine takes the slot (AppRunner says why, exit 2).
    private Set<String> existingTopics() {
        Admin admin = Admin.create(kafkaClient("-admin"));
        try {
            return admin.listTopics().names().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException) {
                throw new IllegalStateException("Kafka refused the connector's login: " + e.getCause().getMessage(), e.getCause());
            }
            LOG.warn("cannot list the cluster's topics ({}); colliding aggregate types are found at their first send", e.toString());
            return Set.of();
        } catch (Exception e) {
            LOG.warn("cannot list the cluster's topics ({}); colliding aggregate types are found at their first send", e.toString());
            return Set.of();
        } finally {
            // close() would wait for the pending call while Kafka is down: the start must not.
            admin.close(Duration.ZERO);
        }
    }

    private Producer<byte[], byte[]> newProducer(boolean deadLetter) {
        Map<String, Object> props = new LinkedHashMap<>(config.kafka());
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, config.name());
        // Latency over batching: at 2,000 events/s a few ms of linger fill batches without showing in p99.
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "2");
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        if (deadLetter) {
            // A row too large for its topic must still reach the dead-letter topic whole: a larger limit, and
            // zstd, which shrinks JSON most, so that the compressed batch fits the broker's message.max.bytes.
            props.put(ProducerConfig.CLIENT_ID_CONFIG, props.get(ProducerConfig.CLIENT_ID_CONFIG) + "-dead-letter");
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(config.deadLetterMaxRequestSize()));
            props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            long buffer = Math.max(32L << 20, 2L * config.deadLetterMaxRequestSize());
            props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(buffer));
        }
        // Not overridable: ConnectorConfig refuses values that would break order or deduplication.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    // One producer for events and dead letters, since one transaction holds both: the dead-letter limit, and zstd, which
    // shrinks JSON most, so that a row too large for its topic still reaches the dead-letter topic whole.
    private Producer<byte[], byte[]> newTransactionalProducer() {
        Map<String, Object> props = new LinkedHashMap<>(config.kafka());
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, config.name());
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "2");
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Math.max(config.deadLetterMaxRequestSize(),
                config.maxEventRequestSize())));
        props.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(32L << 20, 2L * config.deadLetterMaxRequestSize())));
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * What {@code /health} reports: UP once the engine runs, it has read from the slot at least
     * once, and the last batch was acknowledged without resends.
     */
    public HealthReport health() {
        Map<String, Object> details = new LinkedHashMap<>();
        Relay relay = this.relay;
        boolean read = relay != null && relay.hasRead();
        boolean waiting = relay == null && role.current() == Role.STANDBY && !finished.isDone();
        details.put("role", role.current().label());
        details.put("roleSince", role.since().toString());
        details.put("deliveryGuarantee", config.deliveryGuarantee());
        details.put("engine", waiting ? "STANDBY" : running ? (read ? "RUNNING" : "CONNECTING") : finished.isDone() ? "STOPPED" : "STARTING");
        details.put("producer", relay != null && relay.producerHealthy() ? "OK" : "RETRYING");
        if (relay != null && relay.lastSendError() != null) {
            details.put("lastSendError", relay.lastSendError());
        }
        Blockage blockage = relay == null ? null : relay.blockage();
        if (blockage != null) {
            // The fix of a refusal says "grant the connector's principal ...": name it, as far as the settings tell.
            Map<String, Object> blocked = new LinkedHashMap<>(blockage.details());
            blocked.put("kafkaPrincipal", KafkaRefusal.principal(config.kafka()));
            details.put("blockedOn", blocked);
        }
        if (finished.isCompletedExceptionally()) {
            details.put("error", finished.handle((ok, error) -> error instanceof CompletionException c ? c.getCause() : error)
                    .join().getMessage());
        }
        Instant last = metrics.lastRelayedAt();
        details.put("lastRelayedAt", last == null ? null : last.toString());
        details.put("eventsRelayed", metrics.relayedCount());
        details.put("eventsDeadLettered", metrics.deadLetteredCount());
        details.put("sendRetries", metrics.retryCount());
        if (config.exactlyOnce()) {
            details.put("transactionsCommitted", metrics.transactionsCommittedCount());
            details.put("transactionsAborted", metrics.transactionsAbortedCount());
        }
        details.put("slot", slotHealth.details());
        if (retention != null) {
            details.put("retention", retention.details());
        }
        // A standby does its work by waiting: it is healthy as long as it can take over.
        return new HealthReport(waiting || running && read && relay.producerHealthy() && blockage == null
                && !finished.isCompletedExceptionally(), slotHealth.degraded(), details);
    }

    /** The meters, for tests and embedding. */
    public RelayMetrics metrics() {
        return metrics;
    }

    /** All of this instance's meters, as {@code /metrics} shows them. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The outbox retention, or null when {@code outbox.retention} is not set. */
    public OutboxRetention retention() {
        return retention;
    }

    /** The HTTP port of /health and /metrics, or -1 when off. */
    public int httpPort() {
        return ops == null ? -1 : ops.port();
    }

    /** Completes when the engine stops: normally after {@link #close()}, exceptionally on a fatal error. */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    /** This instance's role now: active (streams the slot) or standby. */
    public Role role() {
        return role.current();
    }

    /** Whether the engine's task runs. */
    public boolean isRunning() {
        return running;
    }

    /**
     * Stops the engine (which saves the acknowledged position), then flushes and closes the
     * producers. Returns within {@link #STOP_BOUND} also while Kafka or PostgreSQL is down; what
     * could not be handed over is then in {@link #unfinishedAtStop()}.
     */
    @Override
    public void close() {
        synchronized (this) {
            // Under the lock of claim(): a standby's takeover either finished starting the engine, or never starts it.
            closing = true;
        }
        watch.shutdownNow();
        if (purging != null) {
            purging.shutdownNow();
        }
        try {
            watch.awaitTermination(5, TimeUnit.SECONDS);
            // A batch is short; closing its connection under it would only roll it back.
            if (purging != null) {
                purging.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (retention != null) {
            retention.close();
        }
        if (slot != null) {
            slot.close();
        }
        long started = System.nanoTime();
        long deadline = started + STOP_BOUND.toNanos();
        long engineDeadline = deadline - PRODUCER_STOP.toNanos();
        // engine.close() itself may wait on Kafka (the offset store) for longer than the stop may take.
        Thread closer = new Thread(() -> closeEngine(engineDeadline), "once-outbox-engine-close");
        closer.setDaemon(true);
        closer.start();
        engineThread.shutdown();
        try {
            closer.join(Math.max(1, (engineDeadline - System.nanoTime()) / 1_000_000));
            long left = engineDeadline - System.nanoTime();
            if (!engineThread.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                LOG.warn("the Debezium engine did not stop within {} s", STOP_BOUND.minus(PRODUCER_STOP).toSeconds());
                engineThread.shutdownNow();
                unfinished = "the Debezium engine did not stop in time; positions after the last saved one are relayed again";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Relay relay = this.relay;
        if (relay != null) {
            String producers = relay.close(Duration.ofNanos(Math.max(1_000_000_000L, deadline - System.nanoTime())));
            if (producers != null) {
                unfinished = producers;
            }
        }
        if (ops != null) {
            ops.close();
        }
        if (engine == null) {
            finished.complete(null);
        }
        LOG.info("outbox connector stopped in {} ms: {} events relayed, {} dead-lettered, {} resends{}",
                (System.nanoTime() - started) / 1_000_000, metrics.relayedCount(), metrics.deadLetteredCount(), metrics.retryCount(),
                unfinished == null ? "" : "; not handed over: " + unfinished);
    }

    /** After {@link #close()}: null when everything was acknowledged and saved, else what was not. */
    public String unfinishedAtStop() {
        return unfinished;
    }

    // The engine refuses close() while its task is still starting: a SIGTERM right after start must wait for that.
    private void closeEngine(long deadline) {
        if (engine == null) {
            return;
        }
        Relay current = relay;
        if (current != null) {
            // Batches still in flight: marked now if Kafka acknowledges them soon, so that the engine's stop saves them.
            current.stopping(Duration.ofNanos(Math.max(0, Math.min(IN_FLIGHT_STOP.toNanos(), (deadline - System.nanoTime()) / 2))));
        }
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
