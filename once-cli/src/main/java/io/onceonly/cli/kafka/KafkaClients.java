package io.onceonly.cli.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The command's Kafka clients, each given the {@code kafka.*} settings it knows (so SASL and TLS
 * settings reach all three) and the few the command needs: no consumer group, nothing created by
 * reading, and waits bounded to what a person at a terminal waits.
 */
public final class KafkaClients {

    private static final String CLIENT_ID = "once-cli";
    // A command that cannot reach the cluster says so within this; kafka.default.api.timeout.ms wins.
    private static final String API_TIMEOUT_MS = "15000";
    // Under the API time-out (the admin client refuses a longer one): one retry fits in it.
    private static final String REQUEST_TIMEOUT_MS = "7000";

    private final Map<String, String> settings;

    /** @param settings the {@code kafka.*} settings, prefix removed */
    public KafkaClients(Map<String, String> settings) {
        this.settings = Map.copyOf(settings);
    }

    /** A consumer that reads by assignment, committed records only. */
    public KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> props = known(ConsumerConfig.configNames());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        props.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, API_TIMEOUT_MS);
        props.putIfAbsent(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** A transactional producer: a replay and its audit record are written together or not at all. */
    public KafkaProducer<byte[], byte[]> transactionalProducer(String transactionalId) {
        Map<String, Object> props = known(ProducerConfig.configNames());
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, API_TIMEOUT_MS);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** An admin client, for topics. */
    public Admin admin() {
        Map<String, Object> props = known(AdminClientConfig.configNames());
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, API_TIMEOUT_MS);
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        return Admin.create(props);
    }

    private Map<String, Object> known(Set<String> names) {
        Map<String, Object> props = new HashMap<>();
        settings.forEach((name, value) -> {
            if (names.contains(name)) {
                props.put(name, value);
            }
        });
        return props;
    }
}
