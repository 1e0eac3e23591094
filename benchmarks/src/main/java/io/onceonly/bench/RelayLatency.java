package io.onceonly.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.OutboxConnector;
import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.runtime.AppOptions;
import io.onceonly.testkit.TestStack;

/**
 * Commit-to-Kafka latency of the relay at fixed offered rates: from the moment the business
 * transaction's commit returned to the moment a consumer holds the record. Durable PostgreSQL,
 * the connector with its defaults unless a setting is named.
 */
final class RelayLatency {

    private static final Logger LOG = LoggerFactory.getLogger(RelayLatency.class);

    private final TestStack stack;
    private final Results results;

    RelayLatency(TestStack stack, Results results) {
        this.stack = stack;
        this.results = results;
    }

    void run(String slot, Map<String, String> settings, int[] rates, int seconds) throws Exception {
        String options = settings.isEmpty() ? "defaults" : settings.toString().replaceAll("[{}]", "");
        try (OutboxConnector connector = new OutboxConnector(config(slot, settings)).start()) {
            measure("warmup-" + slot, 1_000, Math.max(3, seconds / 3), null);
            for (int rate : rates) {
                measure("bench-" + slot + "-" + rate, rate, seconds, rate + " ev/s, " + options);
            }
        }
    }

    private void measure(String aggregateType, int rate, int seconds, String setting) throws Exception {
        Map<UUID, Long> receivedAtNanos = new ConcurrentHashMap<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        String topic = "outbox." + aggregateType;
        stack.kafka().createTopic(topic, 4);
        Thread consumer = new Thread(() -> consume(topic, receivedAtNanos, reading), "bench-consumer");
        consumer.start();
        Thread.sleep(1_000);

        OpenLoopWriter writer = new OpenLoopWriter(stack.postgres().dataSource());
        double cpuBefore = ProcessCpu.self();
        long started = System.nanoTime();
        int committed = writer.run(aggregateType, rate, seconds, 10, 8);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (receivedAtNanos.size() < committed && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        reading.set(false);
        consumer.join();
        if (setting == null) {
            return;
        }
        Latencies latencies = new Latencies();
        writer.committedAtNanos().forEach((id, committedAt) -> {
            Long received = receivedAtNanos.get(id);
            if (received != null) {
                latencies.add(Math.max(0, (received - committedAt) / 1_000));
            }
        });
        LOG.info("relay latency at {}: {} committed, {} received, p99 {} ms", setting, committed, latencies.count(),
                latencies.percentileMillis(99));
        results.add(new Row("relay latency", setting, "p50 ms", latencies.percentileMillis(50), "commit returned -> consumer holds it"));
        results.add(new Row("relay latency", setting, "p99 ms", latencies.percentileMillis(99), "target <= 50 at 2000 ev/s"));
        results.add(new Row("relay latency", setting, "max ms", latencies.percentileMillis(100), ""));
        results.add(new Row("relay latency", setting, "missing", committed - latencies.count(), "committed but not received in 30 s"));
        results.add(new Row("relay latency", setting, "bench JVM cpu %", 100 * (ProcessCpu.self() - cpuBefore) / elapsed,
                "relay + broker + writers + consumer, % of one core"));
    }

    private void consume(String topic, Map<UUID, Long> receivedAtNanos, AtomicBoolean reading) {
        Properties props = stack.kafka().clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (reading.get()) {
                consumer.poll(Duration.ofMillis(50)).forEach(record -> {
                    long now = System.nanoTime();
                    OnceHeaders.lastText(record.headers(), OnceHeaders.EVENT_ID)
                            .ifPresent(id -> receivedAtNanos.putIfAbsent(UUID.fromString(id), now));
                });
            }
        }
    }

    private ConnectorConfig config(String slot, Map<String, String> settings) {
        return ConnectorConfig.from(AppOptions.load(Options.connectorArgs(stack, slot, settings), Map.of()));
    }

}
