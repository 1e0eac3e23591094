package io.onceonly.demo.membership.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.onceonly.connector.OutboxConnectorApp;
import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.config.ConnectorSettings;
import io.onceonly.dedup.DedupApp;
import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.stack.FreePort;

/**
 * The two stream apps between the services: the outbox relay and the dedup app, each in its own
 * JVM, configured with the options a user would give them.
 */
public final class Pipeline implements AutoCloseable {

    /** The connector's log file in the work directory, named as the component is (docs/design.md, Naming). */
    public static final String CONNECTOR_LOG = "outbox-connector.log";
    /** The dedup app's log file in the work directory. */
    public static final String DEDUP_LOG = "dedup-streams.log";

    private final StageProcess relay;
    private final StageProcess dedup;

    private Pipeline(StageProcess relay, StageProcess dedup) {
        this.relay = relay;
        this.dedup = dedup;
    }

    /**
     * @param workDir where the stages' logs and the dedup app's state directory go
     */
    public static Pipeline create(Infrastructure infra, Path workDir) {
        Map<String, String> relay = ConnectorSettings.of(infra.jdbcUrl(), infra.user(), infra.password(), infra.bootstrapServers())
                .with(ConnectorOptions.OUTBOX_TABLE, DemoNames.OUTBOX_TABLE)
                .with(ConnectorOptions.SLOT_NAME, DemoNames.SLOT)
                .with(ConnectorOptions.PUBLICATION_NAME, DemoNames.SLOT)
                .with(ConnectorOptions.HEARTBEAT_TABLE, DemoNames.PAYMENT_SCHEMA + ".once_heartbeat")
                .with(ConnectorOptions.OFFSET_TOPIC, DemoNames.CONNECTOR_OFFSETS_TOPIC)
                .with(ConnectorOptions.TOPIC_PREFIX, DemoNames.TOPIC_PREFIX)
                .with(ConnectorOptions.DEAD_LETTER_TOPIC, DemoNames.CONNECTOR_DEAD_LETTER)
                .with(ConnectorOptions.NAME, "once-membership-demo-connector")
                .with(ConnectorOptions.HTTP_PORT, Integer.toString(FreePort.next()))
                .options();

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

        return new Pipeline(
                new StageProcess("connector", OutboxConnectorApp.class.getName(), relay, workDir.resolve(CONNECTOR_LOG)),
                new StageProcess("dedup", DedupApp.class.getName(), dedup, workDir.resolve(DEDUP_LOG)));
    }

    /** Starts both stages and waits until both report healthy. */
    public void start(Duration timeout) throws InterruptedException {
        relay.start();
        dedup.start();
        relay.awaitHealthy(timeout);
        dedup.awaitHealthy(timeout);
    }

    public StageProcess connector() {
        return relay;
    }

    public StageProcess dedup() {
        return dedup;
    }

    /**
     * Stops both stages in order with SIGTERM (the relay saves its position, the dedup app commits).
     *
     * @return a note when either did not exit with 0, else empty
     */
    public String stop() {
        StringBuilder trouble = new StringBuilder();
        for (StageProcess stage : new StageProcess[] {relay, dedup}) {
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
        relay.close();
        dedup.close();
    }
}
