package io.onceonly.testkit;

import java.util.List;

import org.testcontainers.kafka.KafkaContainer;

import io.onceonly.stack.BrokerReadiness;
import io.onceonly.stack.FreePort;
import io.onceonly.stack.KafkaService;
import io.onceonly.stack.PortWait;

/**
 * The official Apache Kafka image in KRaft mode, single node, with the internal topics of
 * exactly-once at replication factor 1; its port is bound to a fixed loopback port so that
 * {@link #restart()} keeps both the address and the data.
 */
public final class ContainerKafka implements KafkaService {

    /** The image used; the same version as the clients. */
    public static final String IMAGE = "apache/kafka:4.3.1";

    private final KafkaContainer container;
    private final int port;

    private ContainerKafka() {
        this.port = FreePort.next();
        this.container = new KafkaContainer(IMAGE)
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.setPortBindings(List.of("127.0.0.1:" + port + ":9092"));
    }

    /** Starts a container; fails with one sentence when no Docker engine answers. */
    public static ContainerKafka start() {
        DockerEngine.requireAvailable();
        ContainerKafka kafka = new ContainerKafka();
        kafka.container.start();
        return kafka;
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public synchronized void restart() {
        container.getDockerClient().restartContainerCmd(container.getContainerId()).exec();
        PortWait.until("127.0.0.1", port, "Kafka container " + container.getContainerId());
        BrokerReadiness.await(bootstrapServers());
    }

    @Override
    public synchronized void close() {
        container.stop();
    }
}
