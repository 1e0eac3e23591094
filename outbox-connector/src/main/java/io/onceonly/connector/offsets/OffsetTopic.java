package io.onceonly.connector.offsets;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topic of saved positions: created compacted with one partition when missing; refused when it
 * exists but is not compacted only, since deletion by time or size would lose the position.
 */
final class OffsetTopic {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetTopic.class);

    private final String name;
    private final short replicationFactor;
    private final Map<String, Object> client;

    OffsetTopic(String name, short replicationFactor, Map<String, Object> client) {
        this.name = name;
        this.replicationFactor = replicationFactor;
        this.client = client;
    }

    void ensure(Duration timeout) {
        try (Admin admin = Admin.create(client)) {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!existing.contains(name)) {
                create(admin, timeout);
                return;
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
            Config config = admin.describeConfigs(List.of(resource)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!TopicConfig.CLEANUP_POLICY_COMPACT.equals(policy)) {
                throw new IllegalStateException("the offsets topic " + name + " has cleanup.policy=" + policy + ": Kafka would delete"
                        + " the connector's saved position by time or size. Set it to compact (kafka-configs --alter --entity-type"
                        + " topics --entity-name " + name + " --add-config cleanup.policy=compact) or choose another"
                        + " offset.storage.topic");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot check the offsets topic " + name + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot check the offsets topic " + name + " within " + timeout.toMillis()
                    + " ms: is Kafka reachable at " + client.get("bootstrap.servers") + "?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the offsets topic " + name, e);
        }
    }

    private void create(Admin admin, Duration timeout) throws InterruptedException, TimeoutException {
        NewTopic topic = new NewTopic(name, 1, replicationFactor)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("created the offsets topic {} (compacted, 1 partition, replication factor {})", name, replicationFactor);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return;
            }
            throw new IllegalStateException("cannot create the offsets topic " + name + " (" + e.getCause().getMessage() + "): create"
                    + " it (kafka-topics --create --topic " + name + " --partitions 1 --config cleanup.policy=compact) or grant the"
                    + " connector's principal CREATE on it", e.getCause());
        }
    }
}
