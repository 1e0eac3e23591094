package io.onceonly.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.stack.KafkaService;

/**
 * The dedup figure's input, written as the connector writes records: a given share are a later
 * copy of an earlier payment (same biz-id, same key, a new event id: a business retry).
 */
final class DuplicatedRecords {

    private DuplicatedRecords() {
    }

    /**
     * Produces {@code total} records to {@code topic}, each a copy of an earlier one with
     * probability {@code duplicateShare}.
     *
     * @return how many distinct biz-ids were written
     */
    static int produce(KafkaService kafka, String topic, int total, double duplicateShare) {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        Random random = new Random(6);
        List<String> accounts = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < total; i++) {
                int payment = !accounts.isEmpty() && random.nextDouble() < duplicateShare ? random.nextInt(accounts.size()) : accounts.size();
                if (payment == accounts.size()) {
                    accounts.add("acct-" + random.nextInt(1_000));
                }
                String bizId = "pay-" + payment;
                RecordHeaders headers = new RecordHeaders();
                new EventMetadata(UUID.randomUUID(), bizId, "PaymentCompleted", "payment", Instant.now()).writeTo(headers);
                byte[] value = ("{\"paymentId\":\"" + bizId + "\",\"amountCents\":" + (100 + payment % 100_000)
                        + ",\"currency\":\"EUR\",\"note\":\"membership card, yearly plan\"}").getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, null, accounts.get(payment).getBytes(StandardCharsets.UTF_8), value, headers));
            }
            producer.flush();
        }
        return accounts.size();
    }
}
