package io.onceonly.bench;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.stack.Await;
import io.onceonly.stack.KafkaService;

/**
 * A consumer on one topic that notes when each event id first arrived (System.nanoTime), from the
 * start of the topic. With {@code read_committed} an event arrives when its transaction committed,
 * which is when a downstream consumer could act on it.
 */
final class ArrivalClock implements AutoCloseable {

    private final Map<UUID, Long> arrivedAtNanos = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean reading = true;

    private ArrivalClock(KafkaService kafka, String topic, String isolation) {
        thread = new Thread(() -> consume(kafka, topic, isolation), "bench-consumer");
    }

    /** Starts reading {@code topic} and returns once the consumer has its partitions. */
    static ArrivalClock start(KafkaService kafka, String topic, String isolation) throws InterruptedException {
        ArrivalClock clock = new ArrivalClock(kafka, topic, isolation);
        clock.thread.start();
        // Joining the group takes a moment; records written meanwhile are read from the earliest offset
        // anyway, but they would show the join as latency.
        Thread.sleep(1_000);
        return clock;
    }

    private void consume(KafkaService kafka, String topic, String isolation) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (reading) {
                consumer.poll(Duration.ofMillis(50)).forEach(record -> {
                    long now = System.nanoTime();
                    OnceHeaders.lastText(record.headers(), OnceHeaders.EVENT_ID)
                            .ifPresent(id -> arrivedAtNanos.putIfAbsent(UUID.fromString(id), now));
                });
            }
        }
    }

    /**
     * Waits until every event of {@code committedAtNanos} arrived, or {@code timeout}.
     *
     * @return the commit -> arrival latencies of those that arrived
     */
    Latencies awaitAll(Map<UUID, Long> committedAtNanos, Duration timeout) throws InterruptedException {
        Set<UUID> waiting = new HashSet<>(committedAtNanos.keySet());
        // Those missing at the time-out are reported as missing, not as a failure.
        Await.holdsWithin(timeout, () -> {
            waiting.removeIf(arrivedAtNanos::containsKey);
            return waiting.isEmpty();
        });
        Latencies latencies = new Latencies();
        committedAtNanos.forEach((id, committedAt) -> {
            Long arrived = arrivedAtNanos.get(id);
            if (arrived != null) {
                latencies.add(Math.max(0, (arrived - committedAt) / 1_000));
            }
        });
        return latencies;
    }

    /** When the last of {@code ids} arrived, or empty if one has not. */
    OptionalLong lastArrival(Set<UUID> ids) {
        long last = Long.MIN_VALUE;
        for (UUID id : ids) {
            Long at = arrivedAtNanos.get(id);
            if (at == null) {
                return OptionalLong.empty();
            }
            last = Math.max(last, at);
        }
        return OptionalLong.of(last);
    }

    @Override
    public void close() throws InterruptedException {
        reading = false;
        thread.join();
    }
}
