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
    private final StageProcess dedup;

    private Pipeline(List<StageProcess> connectors, StageProcess dedup) {
        this.connectors = connectors;
        this.dedup = dedup;
    }

    /**
     * @param workDir where the stages' logs and the dedup app's state directory go
     */
    public static Pipeline create(Infrastructure infra, Path workDir) {
        ConnectorSettings relay = ConnectorSettings.of(infra.jdbcUrl(), infra.user(), infra.password(), infra.bootstrapServers())
                .with(ConnectorOptions.OUTBOX_TABLE, DemoNames.OUTBOX_TABLE)
                .with(ConnectorOptions.SLOT_NAME, DemoNames.SLOT)
                .with(ConnectorOptions.PUBLICATION_NAME, DemoNames.SLOT)
                .with(ConnectorOptions.HEARTBEAT_TABLE, DemoNames.PAYMENT_SCHEMA + ".once_heartbeat")
                .with(ConnectorOptions.OFFSET_TOPIC, DemoNames.CONNECTOR_OFFSETS_TOPIC)
                .with(ConnectorOptions.TOPIC_PREFIX, DemoNames.TOPIC_PREFIX)
                .with(ConnectorOptions.DEAD_LETTER_TOPIC, DemoNames.CONNECTOR_DEAD_LETTER)
                .with(ConnectorOptions.NAME, "once-membership-demo-connector")
                // Each committed outbox row once on Kafka, also across the crash; the standby takes over in seconds.
                .with(ConnectorOptions.DELIVERY_GUARANTEE, "exactly-once");

        Map<String, String> dedup = new LinkedHashMap<>();
        dedup.put("kafka.bootstrap.servers", infra.bootstrapServers());
        dedup.put("application.id", DemoNames.DEDUP_APPLICATION_ID);
        dedup.put("input.topics", DemoNames.PAYMENT_TOPIC);
        dedup.put("output.mapping", DemoNames.PAYMENT_TOPIC + ":" + DemoNames.CARD_TOPIC);
        dedup.put("dead-letter.topic", DemoNames.DEDUP_DEAD_LETTER);
        dedup.put("state.dir", workDir.resolve("dedup-state").toAbsolutePath().toString());
        dedup.put("http.port", Integer.toString(FreePort.next()));
        dedup.put("http.advertised.host", "127.0.0.1");
        // A stable identity, as a StatefulSet gives each pod: a restarted instance takes over its own
        // membership at once instead of waiting for the killed one's session (45 s) to time out.
        dedup.put("kafka.group.instance.id", DemoNames.DEDUP_APPLICATION_ID + "-0");

        List<StageProcess> connectors = new ArrayList<>();
        for (int i = 0; i < CONNECTOR_LOGS.size(); i++) {
            // The same configuration: only the port of /health and /metrics differs, as on two hosts.
            Map<String, String> options = relay.with(ConnectorOptions.HTTP_PORT, Integer.toString(FreePort.next())).options();
            connectors.add(new StageProcess("connector-" + (i + 1), OutboxConnectorApp.class.getName(), options,
                    workDir.resolve(CONNECTOR_LOGS.get(i))));
        }
        return new Pipeline(List.copyOf(connectors),
                new StageProcess("dedup", DedupApp.class.getName(), dedup, workDir.resolve(DEDUP_LOG)));
    }

    /**
     * Starts the stages and waits until all report healthy: the first connector streams the slot,
     * the second finds it held and waits as the standby.
     */
    public void start(Duration timeout) throws InterruptedException {
        connectors.get(0).start();
        dedup.start();
        connectors.get(0).awaitHealthy(timeout);
        connectors.get(1).start();
        connectors.get(1).awaitHealthy(timeout);
        dedup.awaitHealthy(timeout);
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

    public StageProcess dedup() {
        return dedup;
    }

    /**
     * Stops the stages with SIGTERM: the standby connector, the active one (it saves its position),
     * then the dedup app (it commits).
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
        stages.add(dedup);
        for (StageProcess stage : stages) {
            try {
                int exit = stage.stop(Duration.ofSeconds(60));
                if (exit != 0) {
                    trouble.append(stage.log().getFileName()).append(": exit code ").append(exit).append(". ");
                }
            } catch (IllegalStateException e) {
                trouble.append(e.getMessage()).append(". ");
            }
        }
        return trouble.toString();
    }

    @Override
    public void close() {
        connectors.forEach(StageProcess::close);
        dedup.close();
    }
}
