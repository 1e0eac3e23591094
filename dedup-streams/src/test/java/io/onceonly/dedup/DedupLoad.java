package io.onceonly.dedup;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.stack.KafkaService;

/**
 * Input for the dedup tests and the dedup benchmark (through this module's test-jar): records as
 * the connector writes them, where a share are copies of an earlier record's biz-id under the same
 * key (a relay resend keeps the event id, a business resend gets a new one). Remembers which biz-ids
 * are unique and how many copies each has. The one producer of duplicated payments: every send is
 * checked.
 */
public final class DedupLoad {

    final List<String> uniqueBizIds = new ArrayList<>();
    final Map<String, Integer> duplicateCopies = new HashMap<>();
    private final Random random = new Random(42);

    /**
     * Produces {@code total} records to {@code topic}, {@code duplicateShare} of them duplicates,
     * pausing {@code pauseMillis} after every {@code pauseEvery} records (0: no pause).
     *
     * @throws IllegalStateException naming the topic and the broker's reason if a send failed
     */
    public void produce(KafkaService kafka, String topic, int total, double duplicateShare, long pauseEvery, long pauseMillis)
            throws Exception {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        List<String> keys = new ArrayList<>();
        List<UUID> eventIds = new ArrayList<>();
        // Every send is checked: a batch the broker refused must fail the test here, naming why,
        // not later as records missing from the output.
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            Future<RecordMetadata> last = null;
            for (int i = 0; i < total; i++) {
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
                    bizId = "pay-" + i;
                    key = "acct-" + random.nextInt(1_000);
                    eventId = UUID.randomUUID();
                    uniqueBizIds.add(bizId);
                    keys.add(key);
                    eventIds.add(eventId);
                }
                RecordHeaders headers = new RecordHeaders();
                new EventMetadata(eventId, bizId, "PaymentCompleted", "payment", Instant.now()).writeTo(headers);
                byte[] value = ("{\"paymentId\":\"" + bizId + "\",\"amountCents\":1999}").getBytes(StandardCharsets.UTF_8);
                last = producer.send(new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8), value, headers),
                        (metadata, error) -> {
                            if (error != null) {
                                failed.compareAndSet(null, error);
                            }
                        });
                if (pauseEvery > 0 && i % pauseEvery == pauseEvery - 1) {
                    Thread.sleep(pauseMillis);
                }
            }
            producer.flush();
            if (last != null) {
                last.get();
            }
            if (failed.get() != null) {
                throw new IllegalStateException("the test load was not fully written to " + topic, failed.get());
            }
        }
    }

    /** How many distinct biz-ids were written. */
    public int uniqueCount() {
        return uniqueBizIds.size();
    }

    int duplicates() {
        return duplicateCopies.values().stream().mapToInt(Integer::intValue).sum();
    }
}
