package io.onceonly.stack;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Waits until a broker answers an admin request, not merely until its port is open. */
public final class BrokerReadiness {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private BrokerReadiness() {
    }

    /**
     * Returns once the broker at {@code bootstrapServers} answers.
     *
     * @throws IllegalStateException after 60 s, naming the address
     */
    public static void await(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        try (Admin admin = Admin.create(props)) {
            Await.until("Kafka at " + bootstrapServers + " answering", TIMEOUT,
                    () -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000)).nodes().get(10, TimeUnit.SECONDS).size() > 0);
        }
    }
}
