package io.onceonly.stack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) running inside this JVM on
 * 127.0.0.1, from the {@code kafka_2.13} artifact. No Docker, no ZooKeeper.
 *
 * <p>The internal topics of consumer groups, transactions and share groups have replication
 * factor 1 and min ISR 1, so transactional producers and {@code exactly_once_v2} Streams apps
 * work on the one node. {@link #stop()} and {@link #start()} (or {@link #restart()}) keep the
 * ports and the data directory: topics and records survive.
 */
public final class KafkaBroker implements KafkaService {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final Path logDir;
    private final boolean ownsLogDir;
    private final int brokerPort;
    private final int controllerPort;
    private final int nodeId;
    private final String clusterId;
    private final String quorumVoters;
    private final Map<String, String> overrides;
    private final SaslSslListener saslSsl;
    private KafkaRaftServer server;

    private KafkaBroker(Builder b) {
        try {
            this.ownsLogDir = b.logDir == null;
            this.logDir = ownsLogDir ? Files.createTempDirectory("once-kafka-") : b.logDir;
            this.brokerPort = b.port != 0 ? b.port : FreePort.next();
            this.controllerPort = b.controllerPort != 0 ? b.controllerPort : FreePort.next();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a Kafka log directory", e);
        }
        this.nodeId = b.nodeId;
        this.clusterId = b.clusterId != null ? b.clusterId : Uuid.randomUuid().toString();
        this.quorumVoters = b.quorumVoters != null ? b.quorumVoters : nodeId + "@127.0.0.1:" + controllerPort;
        this.overrides = Map.copyOf(b.overrides);
        this.saslSsl = b.saslSsl;
    }

    /** A broker on a free loopback port with a fresh log directory, not started yet. */
    public static KafkaBroker create() {
        return builder().build();
    }

    /** A builder; {@link Builder#build()} makes a broker, {@link #start()} starts it. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** The log directory; it survives {@link #restart()}. */
    public Path logDirectory() {
        return logDir;
    }

    /** True while the broker runs. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Starts the broker, or a stopped one again on the same port and data; returns once it answers
     * requests. Does nothing when it runs.
     *
     * @return this broker
     */
    public synchronized KafkaBroker start() {
        if (server == null) {
            startServer();
        }
        return this;
    }

    /** Stops the broker cleanly (controlled shutdown); the data stays. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long started = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            server = null;
        }
        LOG.info("Kafka on {} stopped in {} ms", bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public synchronized void restart() {
        stop();
        startServer();
    }

    @Override
    public synchronized void close() {
        stop();
        if (ownsLogDir) {
            DataDirectories.delete(logDir);
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", " + logDir + "]";
    }

    private void startServer() {
        long started = System.nanoTime();
        Map<String, String> props = config();
        format();
        KafkaRaftServer raft = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        try {
            // Returns once the broker registered with the controller and was unfenced.
            raft.startup();
            // A node of a cluster whose quorum is not there yet cannot answer: its caller waits for the cluster.
            if (quorumVoters.equals(nodeId + "@127.0.0.1:" + controllerPort)) {
                BrokerReadiness.await(bootstrapServers());
            }
        } catch (RuntimeException e) {
            raft.shutdown();
            raft.awaitShutdown();
            throw new IllegalStateException("Kafka did not start on " + bootstrapServers() + " with data in " + logDir, e);
        }
        server = raft;
        LOG.info("Kafka {} (KRaft node {}, voters {}) on {}, data in {}, up in {} ms", "4.3", nodeId, quorumVoters, bootstrapServers(), logDir,
                (System.nanoTime() - started) / 1_000_000);
    }

    // Formatting twice fails, and would change the cluster id: a formatted directory is reused as it is.
    private void format() {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setHasDynamicQuorum(false)
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the Kafka log directory " + logDir, e);
        }
    }

    private Map<String, String> config() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.quorum.voters", quorumVoters);
        p.put("log.dirs", logDir.toString());
        // One node: internal topics default to RF 3 / min ISR 2 and would never become available,
        // so transactional producers and exactly_once_v2 apps would hang in coordinator discovery.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        // The cleaner's default 128 MB buffer is allocated at start; tests compact little.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        if (saslSsl != null) {
            p.putAll(saslSsl.brokerConfig(p));
        }
        p.putAll(overrides);
        return p;
    }

    /** Options of an embedded {@link KafkaBroker}. */
    public static final class Builder {
        private Path logDir;
        private int port;
        private int controllerPort;
        private int nodeId = 1;
        private String clusterId;
        private String quorumVoters;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private SaslSslListener saslSsl;

        private Builder() {
        }

        /** Keep data in {@code dir} (formatted if empty, reused if formatted, never deleted). */
        public Builder logDirectory(Path dir) {
            this.logDir = dir;
            return this;
        }

        /** Listen on {@code port} for clients instead of a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Makes this broker node {@code nodeId} of a cluster: all nodes share {@code clusterId} and
         * {@code quorumVoters} ({@code id@host:controllerPort,...}, every node a controller too).
         */
        public Builder clusterNode(int nodeId, String clusterId, int controllerPort, String quorumVoters) {
            this.nodeId = nodeId;
            this.clusterId = clusterId;
            this.controllerPort = controllerPort;
            this.quorumVoters = quorumVoters;
            return this;
        }

        /** A broker setting, overriding this class's default (for example {@code num.partitions}). */
        public Builder config(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /**
         * Adds {@code listener}, a SASL_SSL listener with SCRAM logins, and switches ACLs on: a client
         * of that listener may do only what ACLs grant its user (test only, see {@link SaslSslListener}).
         */
        public Builder saslSsl(SaslSslListener listener) {
            this.saslSsl = listener;
            return this;
        }

        /** The broker, not started yet: call {@link KafkaBroker#start()}. */
        public KafkaBroker build() {
            return new KafkaBroker(this);
        }
    }
}
