package io.onceonly.stack;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Waits until a broker answers an admin request, not merely until its port is open. */
public final class BrokerReadiness {

    private static final long TIMEOUT_MS = 60_000;

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
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        Exception last = null;
        try (Admin admin = Admin.create(props)) {
            while (System.currentTimeMillis() < deadline) {
                try {
                    int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000))
                            .nodes().get(10, TimeUnit.SECONDS).size();
                    if (brokers > 0) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka at " + bootstrapServers, e);
                } catch (Exception e) {
                    last = e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka at " + bootstrapServers, e);
                }
            }
        }
        throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within " + TIMEOUT_MS / 1000 + " s", last);
    }
}
