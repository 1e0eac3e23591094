package io.onceonly.stack;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A Kafka cluster reachable on loopback that exactly-once applications can use: embedded
 * ({@link KafkaBroker}) or in a container (the testkit's {@code ContainerKafka}).
 */
public interface KafkaService extends AutoCloseable {

    /** {@code host:port} for {@code bootstrap.servers}; stays the same across {@link #restart()}. */
    String bootstrapServers();

    /** Stops the broker and starts it again on the same port and data: topics and records survive. */
    void restart();

    /** The replication factor of the topics {@link #createTopic} makes: 1 for a single broker. */
    default short replicationFactor() {
        return 1;
    }

    /** Stops the broker and removes data it created. */
    @Override
    void close();

    /** Client properties with {@code bootstrap.servers} set, to add to. */
    default Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /**
     * Creates a topic with {@link #replicationFactor()} unless it exists, and waits until it is created.
     *
     * @param config topic-level settings, for example {@code cleanup.policy}
     */
    default void createTopic(String name, int partitions, Map<String, String> config) {
        try (Admin admin = Admin.create(clientProperties())) {
            try {
                admin.createTopics(java.util.List.of(new NewTopic(name, partitions, replicationFactor()).configs(config)))
                        .all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name + " on " + bootstrapServers(), e.getCause());
                }
            }
            TopicLeaders.await(admin, java.util.List.of(name));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic " + name + " was not created within 60 s on " + bootstrapServers(), e);
        }
    }

    /** Creates a topic with default settings; see {@link #createTopic(String, int, Map)}. */
    default void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }
}
