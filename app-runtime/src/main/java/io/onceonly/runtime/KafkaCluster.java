package io.onceonly.runtime;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

/** The one option every app that talks to Kafka needs: {@code kafka.bootstrap.servers}. */
public final class KafkaCluster {

    /** The option, with the {@code kafka.} prefix the apps pass client settings under. */
    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";

    private KafkaCluster() {
    }

    /**
     * Checks that {@code kafka} (the app's {@code kafka.*} settings, prefix removed) names the
     * cluster.
     *
     * @throws ConfigException naming the option, an example and its environment variable
     */
    public static void requireBootstrapServers(Map<String, String> kafka) {
        if (kafka.getOrDefault("bootstrap.servers", "").isBlank()) {
            throw new ConfigException(BOOTSTRAP_SERVERS, null, "is required: the Kafka cluster, like localhost:9092"
                    + " (environment: " + AppOptions.envName(BOOTSTRAP_SERVERS) + ")");
        }
    }
}
