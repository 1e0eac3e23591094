package io.onceonly.demo.membership.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.onceonly.contracts.wire.OnceHeaders;

/**
 * Reads the demo's topics from the beginning while the run goes on, as any downstream consumer
 * would ({@code read_committed}), and counts per topic the records, their distinct event ids and
 * distinct biz-ids: the difference between those is where duplicates were made and removed.
 */
public final class TopicTally implements AutoCloseable {

    private final Map<String, String> kafka;
    private final List<String> topics;
    private final Map<String, Tally> tallies = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    /** @param kafka the client settings: {@code bootstrap.servers}, and security settings if the cluster wants them */
    public TopicTally(Map<String, String> kafka, List<String> topics) {
        this.kafka = Map.copyOf(kafka);
        this.topics = List.copyOf(topics);
        topics.forEach(t -> tallies.put(t, new Tally()));
        this.thread = new Thread(this::run, "topic-tally");
        this.thread.setDaemon(true);
    }

    /** Starts reading. */
    public TopicTally start() {
        thread.start();
        return this;
    }

    private void run() {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    Tally tally = tallies.get(record.topic());
                    synchronized (tally) {
                        tally.records++;
                        OnceHeaders.lastText(record.headers(), OnceHeaders.EVENT_ID).ifPresent(tally.eventIds::add);
                        OnceHeaders.lastText(record.headers(), OnceHeaders.BIZ_ID).ifPresent(tally.bizIds::add);
                    }
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** Records read from {@code topic}. */
    public long records(String topic) {
        Tally t = tally(topic);
        synchronized (t) {
            return t.records;
        }
    }

    /** Distinct {@code once-event-id}s read from {@code topic}. */
    public long eventIds(String topic) {
        Tally t = tally(topic);
        synchronized (t) {
            return t.eventIds.size();
        }
    }

    /** Distinct {@code once-biz-id}s read from {@code topic}. */
    public long bizIds(String topic) {
        Tally t = tally(topic);
        synchronized (t) {
            return t.bizIds.size();
        }
    }

    private Tally tally(String topic) {
        if (failure != null) {
            throw new IllegalStateException("reading the demo's topics failed: " + failure.getMessage(), failure);
        }
        Tally t = tallies.get(topic);
        if (t == null) {
            throw new IllegalArgumentException("topic " + topic + " is not tallied");
        }
        return t;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }

    private static final class Tally {
        long records;
        final Set<String> eventIds = new HashSet<>();
        final Set<String> bizIds = new HashSet<>();
    }
}
