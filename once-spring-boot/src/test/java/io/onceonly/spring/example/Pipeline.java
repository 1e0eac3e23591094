package io.onceonly.spring.example;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import io.onceonly.connector.OutboxConnector;
import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.config.ConnectorSettings;
import io.onceonly.connector.relay.RelayTracing;
import io.onceonly.dedup.DedupService;
import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.dedup.topology.DecisionTracing;
import io.onceonly.runtime.AppOptions;
import io.onceonly.testkit.TestStack;

/**
 * The real pipeline between the example's two services, in this JVM on the testkit stack: the
 * connector relays {@code outbox.payment}, the dedup app forwards the first record of each biz-id
 * to {@link CardIssuer#TOPIC}.
 */
public final class Pipeline implements AutoCloseable {

    /** The topic the connector writes the payments' events to. */
    public static final String EVENTS = "outbox.payment";

    private final DedupService dedup;
    private OutboxConnector connector;

    private Pipeline(DedupService dedup) {
        this.dedup = dedup;
    }

    /** Starts the dedup app, which creates {@link CardIssuer#TOPIC}; the connector waits for the outbox table. */
    public static Pipeline startDedup(TestStack stack) throws Exception {
        return startDedup(stack, DecisionTracing.NONE);
    }

    /** As {@link #startDedup(TestStack)}, its decisions traced by {@code tracing}. */
    public static Pipeline startDedup(TestStack stack, DecisionTracing tracing) throws Exception {
        stack.kafka().createTopic(EVENTS, 2);
        DedupConfig config = DedupConfig.from(AppOptions.load(new String[] {
                "--kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(), "--application.id=once-spring-example",
                "--input.topics=" + EVENTS, "--output.mapping=" + EVENTS + ":" + CardIssuer.TOPIC,
                "--state.dir=" + Files.createTempDirectory("once-spring-dedup"), "--http.port=-1"}, Map.of()));
        DedupService dedup = new DedupService(config, tracing).start();
        if (!dedup.awaitRunning(Duration.ofSeconds(60))) {
            dedup.close();
            throw new IllegalStateException("the dedup app did not reach RUNNING within 60 s: " + dedup.state());
        }
        return new Pipeline(dedup);
    }

    /** Starts the connector on the outbox table, which the application's Flyway created. */
    public void startConnector(TestStack stack) {
        startConnector(stack, RelayTracing.NONE);
    }

    /** As {@link #startConnector(TestStack)}, its relay traced by {@code tracing}. */
    public void startConnector(TestStack stack, RelayTracing tracing) {
        connector = new OutboxConnector(ConnectorSettings.of(stack.postgres().jdbcUrl(), stack.postgres().username(),
                stack.postgres().password(), stack.kafka().bootstrapServers()).instance("once_spring_example")
                .with(ConnectorOptions.HTTP_PORT, "-1").config(), tracing).start();
    }

    @Override
    public void close() {
        if (connector != null) {
            connector.close();
        }
        dedup.close();
    }
}
