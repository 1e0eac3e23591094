package io.onceonly.connector.relay;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the cluster can run the exactly-once relay's transactions: a cluster with fewer brokers
 * than its transaction log needs accepts the producer and then never answers
 * {@code initTransactions}, so the start checks it and refuses, naming the broker setting.
 */
public final class TransactionCapacity {

    static final String REPLICATION_FACTOR = "transaction.state.log.replication.factor";
    static final String MIN_ISR = "transaction.state.log.min.isr";
    static final String TRANSACTION_LOG = "__transaction_state";

    private static final Logger LOG = LoggerFactory.getLogger(TransactionCapacity.class);

    private final Map<String, Object> client;

    /** @param client the Kafka client settings (bootstrap servers, security) */
    public TransactionCapacity(Map<String, Object> client) {
        this.client = Map.copyOf(client);
    }

    /**
     * Reads the brokers and their transaction log settings.
     *
     * @throws IllegalStateException naming the setting the cluster cannot meet, or when Kafka does not answer
     */
    public void require(Duration timeout) {
        long ms = timeout.toMillis();
        try (Admin admin = Admin.create(client)) {
            Collection<Node> nodes = admin.describeCluster().nodes().get(ms, TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                throw new IllegalStateException("delivery.guarantee=exactly-once: the Kafka cluster at " + client.get("bootstrap.servers")
                        + " reports no brokers");
            }
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
            Config config = admin.describeConfigs(List.of(broker)).all().get(ms, TimeUnit.MILLISECONDS).get(broker);
            boolean logExists = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(ms, TimeUnit.MILLISECONDS)
                    .contains(TRANSACTION_LOG);
            problem(nodes.size(), intValue(config, REPLICATION_FACTOR, 3), intValue(config, MIN_ISR, 2), logExists).ifPresent(p -> {
                throw new IllegalStateException(p);
            });
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                // The producer's initTransactions still tells, only later and less clearly.
                LOG.warn("cannot read the brokers' transaction log settings ({}); the transactional producer's start will show"
                        + " whether transactions work", e.getCause().toString());
                return;
            }
            if (e.getCause() instanceof UnsupportedVersionException) {
                throw new IllegalStateException("delivery.guarantee=exactly-once needs Kafka transactions, and the cluster at "
                        + client.get("bootstrap.servers") + " does not support the requests they need (" + e.getCause().getMessage()
                        + "); use delivery.guarantee=at-least-once", e.getCause());
            }
            throw new IllegalStateException("delivery.guarantee=exactly-once: cannot check that the Kafka cluster can run transactions: "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("delivery.guarantee=exactly-once: cannot check within " + ms + " ms that the Kafka cluster"
                    + " can run transactions: is Kafka reachable at " + client.get("bootstrap.servers") + "?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the Kafka cluster's transaction log settings", e);
        }
    }

    /** What keeps transactions from working with these broker settings, in words that name the setting, if anything. */
    static Optional<String> problem(int brokers, int replicationFactor, int minIsr, boolean logExists) {
        String fix = " Change the brokers' setting (or add brokers), or set delivery.guarantee=at-least-once.";
        if (!logExists && replicationFactor > brokers) {
            return Optional.of("delivery.guarantee=exactly-once needs Kafka transactions, but the brokers' " + REPLICATION_FACTOR
                    + " is " + replicationFactor + " and the cluster has " + brokers + (brokers == 1 ? " broker" : " brokers")
                    + ": Kafka cannot create its transaction log (" + TRANSACTION_LOG + "), so no transaction can start."
                    + " Set " + REPLICATION_FACTOR + " to at most " + brokers + "." + fix);
        }
        if (minIsr > brokers) {
            return Optional.of("delivery.guarantee=exactly-once needs Kafka transactions, but the brokers' " + MIN_ISR + " is " + minIsr
                    + " and the cluster has " + brokers + (brokers == 1 ? " broker" : " brokers") + ": no transaction can commit."
                    + " Set " + MIN_ISR + " to at most " + brokers + "." + fix);
        }
        if (minIsr > replicationFactor) {
            return Optional.of("delivery.guarantee=exactly-once needs Kafka transactions, but the brokers' " + MIN_ISR + " (" + minIsr
                    + ") is above " + REPLICATION_FACTOR + " (" + replicationFactor + "): no transaction can commit. Set " + MIN_ISR
                    + " to at most " + replicationFactor + "." + fix);
        }
        return Optional.empty();
    }

    private static int intValue(Config config, String name, int kafkaDefault) {
        ConfigEntry entry = config.get(name);
        if (entry == null || entry.value() == null) {
            return kafkaDefault;
        }
        return Integer.parseInt(entry.value().strip());
    }
}
