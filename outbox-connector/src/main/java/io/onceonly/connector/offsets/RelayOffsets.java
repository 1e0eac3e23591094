package io.onceonly.connector.offsets;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetUtils;
import org.apache.kafka.connect.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the connector keeps its position in the replication stream: a compacted Kafka topic, in
 * the layout of Kafka Connect's {@code KafkaOffsetBackingStore} (so a topic it wrote is read on).
 *
 * <p>Unlike that store, {@link #get} never waits for Kafka after the start. Debezium's PostgreSQL
 * task reads the saved position back on every commit to confirm it to the replication slot; with
 * Connect's store that read waits for the topic's end without a bound, and during a Kafka outage
 * the engine's only thread stopped there, so the connector neither sent nor reported anything. Here
 * the topic is read once, at the start, and afterwards a position counts as saved (and is confirmed
 * to the slot) once Kafka acknowledged its write. With {@link #WRITTEN_BY_RELAY} the relay writes
 * each position itself, in the transaction of its batch ({@link SourcePosition}), and this store
 * only learns it when the engine marks the batch processed, after the commit.
 */
public final class RelayOffsets implements OffsetBackingStore {

    /** Prefix of this store's settings in the engine's properties. */
    public static final String PREFIX = "once.offsets.";
    /** The topic's name. */
    public static final String TOPIC = PREFIX + "topic";
    /** Replication factor when the topic is created. */
    public static final String REPLICATION_FACTOR = PREFIX + "replication.factor";
    /** How long the start may take to read the topic, in ms. */
    public static final String READ_TIMEOUT_MS = PREFIX + "read.timeout.ms";
    /**
     * "true" when the relay writes each position itself, in the Kafka transaction of its batch
     * (delivery.guarantee=exactly-once): {@link #set} then only updates what {@link #get} answers.
     */
    public static final String WRITTEN_BY_RELAY = PREFIX + "written.by.relay";
    /** Prefix of the Kafka client settings (bootstrap servers, security) of the store's clients. */
    public static final String CLIENT = PREFIX + "client.";

    private static final Logger LOG = LoggerFactory.getLogger(RelayOffsets.class);

    private final Map<ByteBuffer, ByteBuffer> saved = new ConcurrentHashMap<>();
    private String topic;
    private short replicationFactor;
    private Duration readTimeout;
    private Map<String, Object> client;
    private boolean writtenByRelay;
    private volatile Producer<byte[], byte[]> producer;

    @Override
    public void configure(WorkerConfig config) {
        Map<String, Object> originals = config.originals();
        topic = required(originals, TOPIC);
        replicationFactor = Short.parseShort(required(originals, REPLICATION_FACTOR));
        readTimeout = Duration.ofMillis(Long.parseLong(required(originals, READ_TIMEOUT_MS)));
        writtenByRelay = Boolean.parseBoolean(String.valueOf(originals.get(WRITTEN_BY_RELAY)));
        client = new HashMap<>();
        originals.forEach((k, v) -> {
            if (k.startsWith(CLIENT)) {
                client.put(k.substring(CLIENT.length()), v);
            }
        });
    }

    private static String required(Map<String, Object> originals, String key) {
        Object value = originals.get(key);
        if (value == null) {
            throw new IllegalStateException(key + " is not set: the connector sets it when offset.storage=kafka");
        }
        return value.toString();
    }

    @Override
    public void start() {
        String servers = String.valueOf(client.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        new OffsetTopic(topic, replicationFactor, client).ensure(readTimeout);
        readAll(servers);
        if (writtenByRelay) {
            LOG.info("saved positions read from {} on {}: {} keys; the relay writes new ones in its transactions", topic, servers,
                    saved.size());
            return;
        }
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "once-offsets-" + topic);
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        LOG.info("saved positions read from {} on {}: {} keys", topic, servers, saved.size());
    }

    // Read committed only: a position written in an aborted transaction was never the connector's.
    private void readAll(String servers) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "once-offsets-reader-" + topic);
        long deadline = System.nanoTime() + readTimeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, readTimeout)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, readTimeout);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the connector's saved position from topic " + topic + " on "
                            + servers + " within " + readTimeout.toMillis() + " ms; is Kafka reachable?");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    if (r.value() == null) {
                        saved.remove(ByteBuffer.wrap(r.key()));
                    } else {
                        saved.put(ByteBuffer.wrap(r.key()), ByteBuffer.wrap(r.value()));
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalStateException("could not read the connector's saved position from topic " + topic + " on " + servers
                    + " within " + readTimeout.toMillis() + " ms; is Kafka reachable? (" + e.getMessage() + ")", e);
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void stop() {
        Producer<byte[], byte[]> p = producer;
        if (p != null) {
            // Whatever was not acknowledged by now is not saved; the slot was not told of it either.
            p.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        Map<ByteBuffer, ByteBuffer> values = new HashMap<>();
        for (ByteBuffer key : keys) {
            values.put(key, saved.get(key));
        }
        return CompletableFuture.completedFuture(values);
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        // Exactly-once: the engine marks a position only after the transaction holding it committed, so it is saved already.
        if (values.isEmpty() || writtenByRelay) {
            finish(values, null, done, callback);
            return done;
        }
        AtomicInteger open = new AtomicInteger(values.size());
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (Map.Entry<ByteBuffer, ByteBuffer> e : values.entrySet()) {
            ByteBuffer key = e.getKey();
            ByteBuffer value = e.getValue();
            try {
                producer.send(new ProducerRecord<>(topic, bytes(key), value == null ? null : bytes(value)), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                    if (open.decrementAndGet() == 0) {
                        finish(values, failure.get(), done, callback);
                    }
                });
            } catch (RuntimeException sendFailed) {
                failure.compareAndSet(null, sendFailed);
                if (open.decrementAndGet() == 0) {
                    finish(values, failure.get(), done, callback);
                }
            }
        }
        return done;
    }

    // Only an acknowledged write changes what get() returns, so only acknowledged positions reach the slot.
    private void finish(Map<ByteBuffer, ByteBuffer> values, Exception failure, CompletableFuture<Void> done, Callback<Void> callback) {
        if (failure != null) {
            done.completeExceptionally(failure);
            callback.onCompletion(failure, null);
            return;
        }
        values.forEach((key, value) -> {
            if (value == null) {
                saved.remove(key);
            } else {
                saved.put(key, value);
            }
        });
        done.complete(null);
        callback.onCompletion(null, null);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        JsonConverter keys = new JsonConverter();
        keys.configure(Map.of("schemas.enable", "false"), true);
        Map<String, Set<Map<String, Object>>> byConnector = new HashMap<>();
        saved.forEach((key, value) -> OffsetUtils.processPartitionKey(bytes(key), bytes(value), keys, byConnector));
        return byConnector.getOrDefault(connectorName, new HashSet<>());
    }
}
