package io.onceonly.bench;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.OutboxConnector;
import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.contracts.OutboxWriter;
import io.onceonly.runtime.AppOptions;
import io.onceonly.stack.TopicReader;
import io.onceonly.stack.ServerStack;

/**
 * How fast the relay empties a backlog: rows are committed while the connector is stopped, then
 * it starts and is timed until every row is on Kafka. The limit is an idempotent producer with the
 * connector's producer settings sending the very records the relay produced to the same broker.
 */
final class BacklogDrain {

    private static final Logger LOG = LoggerFactory.getLogger(BacklogDrain.class);

    private final ServerStack stack;
    private final Results results;
    private final String note;

    BacklogDrain(ServerStack stack, Results results) {
        this(stack, results, "");
    }

    /** @param note added to the rows' setting, to tell a repeated run apart */
    BacklogDrain(ServerStack stack, Results results, String note) {
        this.stack = stack;
        this.results = results;
        this.note = note;
    }

    /** Drains {@code rows} with the connector's defaults plus {@code settings}; {@code slot} names the run. */
    void run(String slot, Map<String, String> settings, int rows) throws Exception {
        String aggregate = "bench-" + slot.replace('_', '-');
        String topic = "outbox." + aggregate;
        stack.kafka().createTopic(topic, 4);
        // Long before it is written to: a producer sending to a topic whose leader is still being
        // elected can have its first batch refused after later ones were accepted, then retry forever.
        stack.kafka().createTopic(topic + "-raw", 4);
        ConnectorConfig config = ConnectorConfig.from(AppOptions.load(Options.connectorArgs(stack, slot, settings), Map.of()));
        // A first start creates the slot: the backlog is what the slot holds when the connector comes back.
        try (OutboxConnector connector = new OutboxConnector(config).start()) {
            ReplicationSlot.awaitActive(stack.postgres().dataSource(), slot, Duration.ofSeconds(60));
        }
        writeBacklog(aggregate, rows);

        long postmaster = ProcessCpu.postmaster(stack.postgres());
        long started = System.nanoTime();
        long firstAt;
        long doneAt;
        ThreadCpu threadsAtFirst;
        ThreadCpu threadsAtDone;
        double postgresCpu;
        Map<String, Double> profile;
        boolean transactional = config.exactlyOnce();
        try (OutboxConnector connector = new OutboxConnector(config).start();
             KafkaConsumer<byte[], byte[]> offsets = endOffsetReader(transactional)) {
            List<TopicPartition> partitions = partitions(offsets, topic);
            OnTopic onTopic = transactional ? new CommittedRecords(offsets, partitions) : new EndOffsets(offsets, partitions);
            firstAt = onTopic.awaitAtLeast(1);
            threadsAtFirst = new ThreadCpu();
            double postgresAtFirst = postmaster < 0 ? Double.NaN : ProcessCpu.withChildren(postmaster);
            try (StackSampler sampler = StackSampler.start(name -> name.endsWith("change-event-source-coordinator") || name.startsWith("pool-"))) {
                doneAt = onTopic.awaitAtLeast(rows);
                profile = sampler.top(6);
            }
            threadsAtDone = new ThreadCpu();
            postgresCpu = (postmaster < 0 ? Double.NaN : ProcessCpu.withChildren(postmaster)) - postgresAtFirst;
        }
        ReplicationSlot.drop(stack.postgres().dataSource(), slot, Duration.ofSeconds(30));
        double drain = (doneAt - firstAt) / 1e9;
        double relayRate = rows / drain;
        double rawRate = rawProducer(topic, rows);
        LOG.info("backlog of {}: relay {} ev/s (first record after {} ms), raw producer {} ev/s", rows, Math.round(relayRate),
                (firstAt - started) / 1_000_000, Math.round(rawRate));
        String setting = rows + " rows, connector " + Options.describe(settings) + (note.isEmpty() ? "" : " (" + note + ")");
        results.add(new Row("relay backlog", setting, "events/s", relayRate, "first to last record on Kafka; target >= 50000"));
        results.add(new Row("relay backlog", setting, "start s", (firstAt - started) / 1e9, "connector start -> first record on Kafka"));
        results.add(new Row("relay backlog", setting, "limit events/s", rawRate, "raw idempotent producer, same records and settings"));
        results.add(new Row("relay backlog", setting, "ratio %", 100 * relayRate / rawRate, "relay / raw producer"));
        // Where the drain's time goes: the busiest threads of this JVM (relay and broker) and PostgreSQL.
        results.add(new Row("relay backlog", setting, "connector cpu us/event", 1e6 * threadsAtDone.secondsSince(threadsAtFirst,
                ThreadCpu.connector()) / rows, "the connector's threads during the drain (GC and JIT not counted)"));
        results.add(new Row("relay backlog", setting, "cpu % postgres", 100 * postgresCpu / drain, "during the drain, % of one core"));
        threadsAtDone.topSince(threadsAtFirst, 6).forEach((group, seconds) -> results.add(new Row("relay backlog", setting,
                "cpu % thread", 100 * seconds / drain, "during the drain: " + group)));
        // The relay's two threads (Debezium's reader, the engine's handler), sampled: where they wait.
        profile.forEach((place, share) -> results.add(new Row("relay backlog", setting, "samples %", share, place)));
    }

    private void writeBacklog(String aggregate, int rows) throws Exception {
        OutboxWriter writer = OutboxWriter.create();
        int perTransaction = 100;
        ExecutorService pool = Executors.newFixedThreadPool(8, r -> new Thread(r, "bench-writer"));
        List<Future<?>> done = new ArrayList<>();
        for (int written = 0; written < rows; written += perTransaction) {
            int size = Math.min(perTransaction, rows - written);
            done.add(pool.submit(() -> {
                try (Connection tx = stack.postgres().dataSource().getConnection()) {
                    tx.setAutoCommit(false);
                    writer.appendAll(tx, PaymentEvents.transaction(aggregate, size));
                    tx.commit();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    /** The limit: the relay's records, read back, sent again by a producer configured like the relay's. */
    private double rawProducer(String relayed, int rows) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(stack.kafka(), relayed, rows, Duration.ofSeconds(120),
                Duration.ZERO, "read_uncommitted");
        String topic = relayed + "-raw";
        Properties props = stack.kafka().clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            // Connection and metadata first, as the relay had them before its first record.
            producer.partitionsFor(topic);
            long started = System.nanoTime();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                producer.send(new ProducerRecord<>(topic, null, r.key(), r.value(), r.headers()));
            }
            producer.flush();
            return records.size() / ((System.nanoTime() - started) / 1e9);
        }
    }

    private KafkaConsumer<byte[], byte[]> endOffsetReader(boolean readCommitted) {
        Properties props = stack.kafka().clientProperties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic)) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        return partitions;
    }

    /** When the relayed records are on the topic, as a consumer sees them. */
    private interface OnTopic {

        /** Waits until the topic holds {@code count} records; returns when (System.nanoTime) it did. */
        long awaitAtLeast(long count) throws InterruptedException;
    }

    private abstract static class Polling implements OnTopic {

        @Override
        public long awaitAtLeast(long count) throws InterruptedException {
            // Not Await: the moment seen is the measurement, so this polls every 10 ms, not every 100.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < deadline) {
                if (seen() >= count) {
                    return System.nanoTime();
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException("the relay did not put " + count + " records on the topic within 5 minutes");
        }

        abstract long seen();
    }

    // Without transactions every offset is a record: the end offsets count them without reading them.
    private static final class EndOffsets extends Polling {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions;

        EndOffsets(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
            this.consumer = consumer;
            this.partitions = partitions;
        }

        @Override
        long seen() {
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    // A transaction's commit markers take offsets too: committed records are counted by reading them (read_committed).
    private static final class CommittedRecords extends Polling {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private long records;

        CommittedRecords(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
            this.consumer = consumer;
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        @Override
        long seen() {
            records += consumer.poll(Duration.ZERO).count();
            return records;
        }
    }
}
