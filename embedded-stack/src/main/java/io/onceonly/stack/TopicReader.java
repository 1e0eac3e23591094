package io.onceonly.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from the beginning, for checks in tests: until an expected count has arrived and
 * then a little longer, so that an extra (duplicate) record would be seen too.
 */
public final class TopicReader {

    private TopicReader() {
    }

    /**
     * Reads {@code topic} with {@code read_committed} until at least {@code expected} records arrived
     * plus {@code settle}, or until {@code timeout}.
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(KafkaService kafka, String topic, int expected,
                                                            Duration timeout, Duration settle) {
        return read(kafka, topic, expected, timeout, settle, "read_committed");
    }

    /** As {@link #read(KafkaService, String, int, Duration, Duration)}, with the given isolation level. */
    public static List<ConsumerRecord<byte[], byte[]>> read(KafkaService kafka, String topic, int expected,
                                                            Duration timeout, Duration settle, String isolation) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, isolation)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            long settleUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settleUntil)) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                if (records.size() >= expected && settleUntil == Long.MAX_VALUE) {
                    settleUntil = System.nanoTime() + settle.toNanos();
                }
            }
        }
        return records;
    }

    /**
     * Every record on {@code topic} when called: from the beginning up to the end offsets that
     * {@code isolation} sees at the call (for {@code read_committed} the last stable offset), or what
     * arrived until {@code timeout}. For "everything there is" without a known count, where a read
     * for a count that never comes would wait out its whole timeout.
     *
     * @return empty when the topic does not exist
     */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(KafkaService kafka, String topic, Duration timeout, String isolation) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, isolation)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(KafkaService kafka, String isolation) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "once-test-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
