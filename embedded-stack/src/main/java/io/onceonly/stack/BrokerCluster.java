package io.onceonly.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of several KRaft nodes (each broker and controller), every node a child JVM
 * ({@link KafkaBrokerProcess}) on 127.0.0.1, so that a fault test can SIGKILL one broker, restart
 * it, or roll the whole cluster, as operators do. Topics are replicated to every node with
 * {@code min.insync.replicas} one less (3 nodes: RF 3, min ISR 2), internal topics included, so the
 * cluster keeps accepting {@code acks=all} writes and transactions with one node down.
 *
 * <p>Each node also has a second client listener, {@code PROXIED}, whose advertised address is a
 * port of the caller's choosing (see {@link #proxiedEndpoints()}): clients bootstrapped there
 * reach every broker through those ports, so a proxy in between can cut them off alone.
 */
public final class BrokerCluster implements KafkaService {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerCluster.class);
    private static final Duration START = Duration.ofSeconds(120);

    private final int size;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Path baseDir;
    private final List<String> jvmOptions;
    private final int[] ports;
    private final int[] controllerPorts;
    private final int[] proxiedPorts;
    private final int[] advertisedProxiedPorts;
    private final ChildJvm[] nodes;
    private final Map<String, String> overrides;

    private BrokerCluster(int size, Path baseDir, List<String> jvmOptions, Map<String, String> overrides) {
        this.size = size;
        this.baseDir = baseDir;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.overrides = Map.copyOf(overrides);
        this.ports = new int[size];
        this.controllerPorts = new int[size];
        this.proxiedPorts = new int[size];
        this.advertisedProxiedPorts = new int[size];
        this.nodes = new ChildJvm[size];
        for (int i = 0; i < size; i++) {
            ports[i] = FreePort.next();
            controllerPorts[i] = FreePort.next();
            proxiedPorts[i] = FreePort.next();
            advertisedProxiedPorts[i] = FreePort.next();
        }
    }

    /**
     * Starts {@code size} nodes (at least 3) with data and logs in {@code baseDir}, and returns once
     * every node is registered.
     *
     * @param jvmOptions options of each node's JVM, for example a logging configuration
     */
    public static BrokerCluster start(int size, Path baseDir, List<String> jvmOptions) {
        return start(size, baseDir, jvmOptions, Map.of());
    }

    /** As {@link #start(int, Path, List)}, with broker settings that override this class's. */
    public static BrokerCluster start(int size, Path baseDir, List<String> jvmOptions, Map<String, String> overrides) {
        if (size < 3) {
            throw new IllegalArgumentException("a cluster has at least 3 nodes (a quorum that survives one loss), not " + size);
        }
        try {
            Files.createDirectories(baseDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + baseDir, e);
        }
        BrokerCluster cluster = new BrokerCluster(size, baseDir, jvmOptions, overrides);
        long started = System.nanoTime();
        try {
            for (int i = 0; i < size; i++) {
                cluster.startNode(i);
            }
            for (int i = 0; i < size; i++) {
                cluster.awaitNode(i);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info("Kafka cluster of {} nodes on {} up in {} ms", size, cluster.bootstrapServers(),
                (System.nanoTime() - started) / 1_000_000);
        return cluster;
    }

    @Override
    public String bootstrapServers() {
        List<String> servers = new ArrayList<>();
        for (int port : ports) {
            servers.add("127.0.0.1:" + port);
        }
        return String.join(",", servers);
    }

    /** Bootstrap servers of the {@code PROXIED} listener: the advertised (proxy) ports. */
    public String proxiedBootstrapServers() {
        List<String> servers = new ArrayList<>();
        for (int port : advertisedProxiedPorts) {
            servers.add("127.0.0.1:" + port);
        }
        return String.join(",", servers);
    }

    /** For each advertised {@code PROXIED} port, the node port a proxy listening there must forward to. */
    public Map<Integer, Integer> proxiedEndpoints() {
        Map<Integer, Integer> endpoints = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            endpoints.put(advertisedProxiedPorts[i], proxiedPorts[i]);
        }
        return endpoints;
    }

    @Override
    public short replicationFactor() {
        return (short) size;
    }

    /** Number of nodes. */
    public int size() {
        return size;
    }

    /** The node id (1-based) of the leader of {@code topic}'s {@code partition}. */
    public int leaderOf(String topic, int partition) {
        return Await.value("a leader for " + topic + "-" + partition, Duration.ofSeconds(60), () -> {
            try (Admin admin = admin()) {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
                Node leader = d.partitions().get(partition).leader();
                return leader == null || leader.isEmpty() ? null : leader.id();
            }
        });
    }

    /** SIGKILL of node {@code nodeId} (1-based): no controlled shutdown, nothing flushed. */
    public synchronized void kill(int nodeId) {
        nodes[nodeId - 1].kill();
        LOG.info("Kafka node {} killed (SIGKILL)", nodeId);
    }

    /** SIGTERM of node {@code nodeId}: a controlled shutdown, leadership moved away first. */
    public synchronized void stop(int nodeId) {
        int exit = nodes[nodeId - 1].terminate(Duration.ofSeconds(120));
        LOG.info("Kafka node {} stopped (exit {})", nodeId, exit);
    }

    /** Starts node {@code nodeId} again (same ports and data) and waits until every node is registered. */
    public synchronized void start(int nodeId) {
        startNode(nodeId - 1);
        awaitNode(nodeId - 1);
    }

    /**
     * Waits until every partition of {@code topics} has all nodes in sync again, as an operator
     * does before restarting the next broker.
     */
    public void awaitInSync(Collection<String> topics, Duration timeout) {
        Await.until("every partition of " + topics + " in sync on " + size + " nodes", timeout, () -> {
            try (Admin admin = admin()) {
                for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
                    for (TopicPartitionInfo p : d.partitions()) {
                        if (p.isr().size() < size) {
                            return false;
                        }
                    }
                }
                return true;
            }
        });
    }

    /** A rolling restart: each node in turn stopped (SIGTERM), started, and waited for. */
    @Override
    public void restart() {
        for (int id = 1; id <= size; id++) {
            stop(id);
            start(id);
        }
    }

    @Override
    public synchronized void close() {
        for (ChildJvm node : nodes) {
            if (node != null) {
                node.close();
            }
        }
        DataDirectories.delete(baseDir.resolve("data"));
    }

    @Override
    public String toString() {
        return "BrokerCluster[" + bootstrapServers() + ", " + baseDir + "]";
    }

    private void startNode(int index) {
        int id = index + 1;
        Map<String, String> config = new LinkedHashMap<>();
        config.put("node.id", Integer.toString(id));
        config.put("cluster.id", clusterId);
        config.put("port", Integer.toString(ports[index]));
        config.put("controller.port", Integer.toString(controllerPorts[index]));
        config.put("controller.quorum.voters", voters());
        config.put("log.dir", baseDir.resolve("data").resolve("node-" + id).toString());
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + ports[index] + ",PROXIED://127.0.0.1:" + proxiedPorts[index]
                + ",CONTROLLER://127.0.0.1:" + controllerPorts[index]);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + ports[index] + ",PROXIED://127.0.0.1:"
                + advertisedProxiedPorts[index]);
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,PROXIED:PLAINTEXT,CONTROLLER:PLAINTEXT");
        String minIsr = Integer.toString(size - 1);
        String rf = Integer.toString(size);
        config.put("default.replication.factor", rf);
        config.put("min.insync.replicas", minIsr);
        config.put("offsets.topic.replication.factor", rf);
        config.put("offsets.topic.num.partitions", "3");
        config.put("transaction.state.log.replication.factor", rf);
        config.put("transaction.state.log.min.isr", minIsr);
        config.put("transaction.state.log.num.partitions", "3");
        config.put("share.coordinator.state.topic.replication.factor", rf);
        config.put("share.coordinator.state.topic.min.isr", minIsr);
        config.putAll(overrides);
        List<String> args = config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.toList());
        nodes[index] = ChildJvm.start("kafka-" + id, KafkaBrokerProcess.class.getName(), jvmOptions, args, Map.of(),
                baseDir.resolve("kafka-" + id + ".log"));
    }

    private String voters() {
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            voters.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
        }
        return String.join(",", voters);
    }

    // Registered and unfenced: describeCluster lists the brokers that serve clients. Asked through the node's own port: a
    // SIGKILLed node stays listed until the controller fences it (its session is 9 s; fault-matrix runs saw it listed 10 s
    // after the kill), so asked through the cluster, a node restarted after a kill looked back when its JVM was launched.
    private void awaitNode(int index) {
        ChildJvm node = nodes[index];
        Await.until("Kafka node " + (index + 1) + " registered (its log is " + node.log() + ")", START, () -> {
            if (!node.isAlive()) {
                throw new IllegalStateException("Kafka node " + (index + 1) + " exited; see " + node.log());
            }
            try (Admin admin = admin("127.0.0.1:" + ports[index])) {
                return admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000)).nodes().get(10, TimeUnit.SECONDS)
                        .stream().anyMatch(n -> n.id() == index + 1);
            }
        });
    }

    private Admin admin() {
        return admin(bootstrapServers());
    }

    private Admin admin(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(props);
    }
}
