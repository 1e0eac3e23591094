package io.onceonly.demo.membership.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.onceonly.connector.OutboxConnectorApp;
import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.config.ConnectorSettings;
import io.onceonly.dedup.DedupApp;
import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.stack.FreePort;

/**
 * The stream apps between the services, each in its own JVM, configured with the options a user
 * would give them: the outbox connector twice (exactly-once, one instance active and one hot
 * standby with the same configuration) and the dedup app.
 */
public final class Pipeline implements AutoCloseable {

    /** The connectors' log files in the work directory, named as the component is (docs/design.md, Naming). */
    public static final List<String> CONNECTOR_LOGS = List.of("outbox-connector-1.log", "outbox-connector-2.log");
    /** The dedup app's log file in the work directory. */
    public static final String DEDUP_LOG = "dedup-streams.log";

    private static final Duration ROLE_LOOK = Duration.ofMillis(50);

    private final List<StageProcess> connectors;
    private final List<StageProcess> dedups;

    private Pipeline(List<StageProcess> connectors, List<StageProcess> dedups) {
        this.connectors = connectors;
        this.dedups = dedups;
    }

    /**
     * How many instances of each stage run, and how the connector is set.
     *
     * @param connectors connector instances with one configuration (the first active, the others standbys)
     * @param deliveryGuarantee the connector's {@code delivery.guarantee}
     * @param dedups dedup app instances (one application id: they share the partitions)
     * @param connectorOptions further connector options, overriding the pipeline's (for example
     *     {@code database.url} through a proxy, or {@code slot.lost.recovery})
     */
    public record Shape(int connectors, String deliveryGuarantee, int dedups, Map<String, String> connectorOptions) {

        /** The demo's: an exactly-once connector with a hot standby, one dedup app. */
        public static final Shape DEMO = new Shape(2, "exactly-once", 1, Map.of());

        public Shape {
            connectorOptions = Map.copyOf(connectorOptions);
        }
    }

    /**
     * The demo's pipeline ({@link Shape#DEMO}).
     *
     * @param workDir where the stages' logs and the dedup app's state directory go
     */
    public static Pipeline create(Infrastructure infra, Path workDir) {
        return create(infra, workDir, Shape.DEMO);
    }

    /**
     * A pipeline of {@code shape}; with one connector or one dedup app, their logs are named as the
     * demo names them ({@link #CONNECTOR_LOGS}, {@link #DEDUP_LOG}), else numbered from 1.
     *
     * @param workDir where the stages' logs and the dedup apps' state directories go
     */
    public static Pipeline create(Infrastructure infra, Path workDir, Shape shape) {
        ConnectorSettings relay = ConnectorSettings.of(infra.jdbcUrl(), infra.user(), infra.password(), infra.bootstrapServers())
                .with(ConnectorOptions.OUTBOX_TABLE, DemoNames.OUTBOX_TABLE)
                .with(ConnectorOptions.SLOT_NAME, DemoNames.SLOT)
                .with(ConnectorOptions.PUBLICATION_NAME, DemoNames.SLOT)
                .with(ConnectorOptions.HEARTBEAT_TABLE, DemoNames.PAYMENT_SCHEMA + ".once_heartbeat")
                .with(ConnectorOptions.OFFSET_TOPIC, DemoNames.CONNECTOR_OFFSETS_TOPIC)
                .with(ConnectorOptions.TOPIC_PREFIX, DemoNames.TOPIC_PREFIX)
                .with(ConnectorOptions.DEAD_LETTER_TOPIC, DemoNames.CONNECTOR_DEAD_LETTER)
                .with(ConnectorOptions.NAME, "once-membership-demo-connector")
                // The demo's: each committed outbox row once on Kafka, also across the crash; the standby takes over in seconds.
                .with(ConnectorOptions.DELIVERY_GUARANTEE, shape.deliveryGuarantee())
                .withAll(infra.kafkaOptions())
                .withAll(shape.connectorOptions());

        Map<String, String> dedup = new LinkedHashMap<>();
        dedup.putAll(infra.kafkaOptions());
        dedup.put("application.id", DemoNames.DEDUP_APPLICATION_ID);
        dedup.put("input.topics", DemoNames.PAYMENT_TOPIC);
        dedup.put("output.mapping", DemoNames.PAYMENT_TOPIC + ":" + DemoNames.CARD_TOPIC);
        dedup.put("dead-letter.topic", DemoNames.DEDUP_DEAD_LETTER);
        dedup.put("http.advertised.host", "127.0.0.1");

        List<StageProcess> connectors = new ArrayList<>();
        for (int i = 0; i < shape.connectors(); i++) {
            // The same configuration: only the port of /health and /metrics differs, as on two hosts.
            Map<String, String> options = relay.with(ConnectorOptions.HTTP_PORT, Integer.toString(FreePort.next())).options();
            String log = shape.connectors() <= CONNECTOR_LOGS.size() ? CONNECTOR_LOGS.get(i) : "outbox-connector-" + (i + 1) + ".log";
            connectors.add(new StageProcess("connector-" + (i + 1), OutboxConnectorApp.class.getName(), List.of(), options,
                    workDir.resolve(log)));
        }
        List<StageProcess> dedups = new ArrayList<>();
        for (int i = 0; i < shape.dedups(); i++) {
            Map<String, String> instance = new LinkedHashMap<>(dedup);
            String suffix = shape.dedups() == 1 ? "" : "-" + (i + 1);
            instance.put("state.dir", workDir.resolve("dedup-state" + suffix).toAbsolutePath().toString());
            instance.put("http.port", Integer.toString(FreePort.next()));
            // A stable identity, as a StatefulSet gives each pod: a restarted instance takes over its own
            // membership at once instead of waiting for the killed one's session (45 s) to time out.
            instance.put("kafka.group.instance.id", DemoNames.DEDUP_APPLICATION_ID + "-" + i);
            String log = shape.dedups() == 1 ? DEDUP_LOG : "dedup-streams" + suffix + ".log";
            dedups.add(new StageProcess("dedup" + suffix, DedupApp.class.getName(), List.of(), instance, workDir.resolve(log)));
        }
        return new Pipeline(List.copyOf(connectors), List.copyOf(dedups));
    }

    /**
     * Starts the stages and waits until all report healthy: the first connector streams the slot,
     * the second finds it held and waits as the standby.
     */
    public void start(Duration timeout) throws InterruptedException {
        connectors.get(0).start();
        dedups.forEach(StageProcess::start);
        connectors.get(0).awaitHealthy(timeout);
        for (StageProcess standby : connectors.subList(1, connectors.size())) {
            standby.start();
            standby.awaitHealthy(timeout);
        }
        for (StageProcess dedup : dedups) {
            dedup.awaitHealthy(timeout);
        }
    }

    /** The connector instances, in start order. */
    public List<StageProcess> connectors() {
        return connectors;
    }

    /**
     * The connector instance whose /health says it is active.
     *
     * @throws IllegalStateException when none is within {@code timeout}
     */
    public StageProcess activeConnector(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (StageProcess connector : connectors) {
                if (isActive(connector)) {
                    return connector;
                }
            }
            Thread.sleep(ROLE_LOOK.toMillis());
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("no connector instance reported role active within " + timeout.toSeconds() + " s; see "
                + CONNECTOR_LOGS);
    }

    /**
     * Waits until {@code connector} is active and has relayed a record: the end of a takeover.
     *
     * @return the seconds since {@code sinceNanos}, or -1 when it did not within {@code timeout}
     */
    public static double awaitRelaying(StageProcess connector, long sinceNanos, Duration timeout) throws InterruptedException {
        long deadline = sinceNanos + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode health = connector.health();
            if (health != null && "active".equals(health.path("role").asText()) && health.path("eventsRelayed").asLong() > 0) {
                return (System.nanoTime() - sinceNanos) / 1e9;
            }
            Thread.sleep(ROLE_LOOK.toMillis());
        }
        return -1;
    }

    private static boolean isActive(StageProcess connector) throws InterruptedException {
        JsonNode health = connector.health();
        return health != null && "active".equals(health.path("role").asText());
    }

    /** The (first) dedup app instance. */
    public StageProcess dedup() {
        return dedups.get(0);
    }

    /** The dedup app instances. */
    public List<StageProcess> dedups() {
        return dedups;
    }

    /**
     * Stops the stages with SIGTERM: the standby connectors, the active one (it saves its position),
     * then the dedup apps (they commit).
     *
     * @return a note when any did not exit with 0, else empty
     */
    public String stop() throws InterruptedException {
        StringBuilder trouble = new StringBuilder();
        // Standbys first: a standby that outlived the active instance would take the slot over only to be stopped.
        List<StageProcess> stages = new ArrayList<>();
        for (StageProcess connector : connectors) {
            if (!isActive(connector)) {
                stages.add(connector);
            }
        }
        connectors.stream().filter(c -> !stages.contains(c)).forEach(stages::add);
        stages.addAll(dedups);
        for (StageProcess stage : stages) {
            trouble.append(stage.stopAndSay(Duration.ofSeconds(60)));
        }
        return trouble.toString();
    }

    @Override
    public void close() {
        connectors.forEach(StageProcess::close);
        dedups.forEach(StageProcess::close);
    }
}
