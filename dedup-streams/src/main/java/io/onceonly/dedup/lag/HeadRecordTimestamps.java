package io.onceonly.dedup.lag;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The timestamp of the record at a position: the first committed record at or after it, read by a
 * consumer outside the application's group. Fetches are kept to one batch per partition (a
 * broker returns the first batch whole even when it is over the fetch limits), so a look reads a
 * few kilobytes, not the backlog. Used by one thread at a time.
 */
final class HeadRecordTimestamps implements AutoCloseable {

    private final Map<String, Object> settings;
    private final Duration timeout;
    private KafkaConsumer<byte[], byte[]> consumer;

    HeadRecordTimestamps(Map<String, Object> consumerSettings, Duration timeout) {
        this.settings = new HashMap<>(consumerSettings);
        settings.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1");
        settings.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "1");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.timeout = timeout;
    }

    /**
     * The timestamp of the first record at or after each position; a partition without one
     * within the timeout (nothing there but aborted records and transaction markers) is left out.
     */
    Map<TopicPartition, Long> at(Map<TopicPartition, Long> positions) {
        Map<TopicPartition, Long> timestamps = new HashMap<>();
        if (positions.isEmpty()) {
            return timestamps;
        }
        if (consumer == null) {
            // Made at the first lag: an instance that never falls behind never opens its connections.
            consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        consumer.assign(positions.keySet());
        positions.forEach(consumer::seek);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (timestamps.size() < positions.size() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                timestamps.putIfAbsent(tp, record.timestamp());
                // Seen: no more of its records are needed.
                consumer.pause(List.of(tp));
            }
        }
        consumer.unsubscribe();
        return timestamps;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
    }
}
