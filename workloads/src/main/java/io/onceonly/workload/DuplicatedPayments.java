package io.onceonly.workload;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.onceonly.contracts.wire.EventMetadata;

/**
 * PaymentCompleted records as the relay writes them to an {@code outbox.*} topic, a share of them
 * copies of an earlier record's biz-id under the same key: half of the copies keep the event id (a
 * relay resend), half get a new one (a business resend). Remembers which biz-ids are unique and how
 * many copies each has, so a test or a benchmark can check the dedup stage's output against it.
 * Every send is checked. Repeatable: the same calls give the same biz-ids, keys and copies.
 */
public final class DuplicatedPayments {

    private final List<String> uniqueBizIds = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final List<UUID> eventIds = new ArrayList<>();
    private final Map<String, Integer> duplicateCopies = new HashMap<>();
    private final Random random = new Random(42);

    /**
     * Produces {@code total} records to {@code topic}, {@code duplicateShare} of them duplicates,
     * pausing {@code pauseMillis} after every {@code pauseEvery} records (0: no pause).
     *
     * @param client the connection settings ({@code bootstrap.servers} and any security settings)
     * @throws IllegalStateException naming the topic and the broker's reason if a send failed
     */
    public void produce(Properties client, String topic, int total, double duplicateShare, long pauseEvery, long pauseMillis)
            throws InterruptedException {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A batch the broker refused must fail here, naming why, not later as records missing from the output.
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < total; i++) {
                producer.send(next(topic, duplicateShare), (metadata, error) -> {
                    if (error != null) {
                        failed.compareAndSet(null, error);
                    }
                });
                if (pauseEvery > 0 && i % pauseEvery == pauseEvery - 1) {
                    Thread.sleep(pauseMillis);
                }
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("the load was not fully written to " + topic, failed.get());
        }
    }

    private ProducerRecord<byte[], byte[]> next(String topic, double duplicateShare) {
        boolean duplicate = !uniqueBizIds.isEmpty() && random.nextDouble() < duplicateShare;
        String bizId;
        String key;
        UUID eventId;
        if (duplicate) {
            int original = random.nextInt(uniqueBizIds.size());
            bizId = uniqueBizIds.get(original);
            key = keys.get(original);
            eventId = random.nextBoolean() ? eventIds.get(original) : UUID.randomUUID();
            duplicateCopies.merge(bizId, 1, Integer::sum);
        } else {
            bizId = "pay-" + uniqueBizIds.size();
            key = "acct-" + random.nextInt(1_000);
            eventId = UUID.randomUUID();
            uniqueBizIds.add(bizId);
            keys.add(key);
            eventIds.add(eventId);
        }
        RecordHeaders headers = new RecordHeaders();
        new EventMetadata(eventId, bizId, "PaymentCompleted", "payment", Instant.now()).writeTo(headers);
        byte[] value = ("{\"paymentId\":\"" + bizId + "\",\"amountCents\":1999}").getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8), value, headers);
    }

    /** The distinct biz-ids written, in the order of their first record. */
    public List<String> uniqueBizIds() {
        return Collections.unmodifiableList(uniqueBizIds);
    }

    /** How many distinct biz-ids were written. */
    public int uniqueCount() {
        return uniqueBizIds.size();
    }

    /** Per duplicated biz-id, how many copies beyond its first record were written. */
    public Map<String, Integer> duplicateCopies() {
        return Collections.unmodifiableMap(duplicateCopies);
    }

    /** How many records were copies. */
    public int duplicates() {
        return duplicateCopies.values().stream().mapToInt(Integer::intValue).sum();
    }
}
