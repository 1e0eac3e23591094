package io.onceonly.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Runs on whatever {@code -Donce.stack} selects; the class owns its stack because it restarts the broker. */
@WithStack
class KafkaBrokerIT {

    @Test
    void aRecordProducedBeforeRestartIsReadAfterIt(KafkaService kafka) throws Exception {
        String topic = "restart-" + System.nanoTime();
        kafka.createTopic(topic, 2);
        try (KafkaProducer<String, String> producer = producer(kafka, null)) {
            producer.send(new ProducerRecord<>(topic, "k", "before restart")).get();
        }
        String before = kafka.bootstrapServers();

        kafka.restart();

        assertThat(kafka.bootstrapServers()).isEqualTo(before);
        assertThat(readAll(kafka, topic, "read_uncommitted", 1)).extracting(ConsumerRecord::value).containsExactly("before restart");
    }

    @Test
    void aTransactionalProducerCommitsAndAbortsOnTheSingleNode(KafkaService kafka) throws Exception {
        String topic = "tx-" + System.nanoTime();
        kafka.createTopic(topic, 1);
        try (KafkaProducer<String, String> producer = producer(kafka, "tx-" + topic)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed"));
            producer.commitTransaction();
        }

        assertThat(readAll(kafka, topic, "read_committed", 1)).extracting(ConsumerRecord::value).containsExactly("committed");
    }

    @Test
    void anEmbeddedBrokerKeepsItsAddressAndDataAcrossStopAndStart() throws Exception {
        try (KafkaBroker broker = KafkaBroker.create().start()) {
            String topic = "stop-start";
            broker.createTopic(topic, 1);
            try (KafkaProducer<String, String> producer = producer(broker, null)) {
                producer.send(new ProducerRecord<>(topic, "k", "kept")).get();
            }
            broker.stop();
            assertThat(broker.isRunning()).isFalse();
            broker.start();
            assertThat(broker.isRunning()).isTrue();
            assertThat(readAll(broker, topic, "read_uncommitted", 1)).extracting(ConsumerRecord::value).containsExactly("kept");
        }
    }

    private static KafkaProducer<String, String> producer(KafkaService kafka, String transactionalId) {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(props);
    }

    static List<ConsumerRecord<String, String>> readAll(KafkaService kafka, String topic, String isolation, int expected) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            // Keep polling a little after reaching the count, so that an extra record would be seen.
            long settle = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(deadline, settle)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (records.size() >= expected && settle == Long.MAX_VALUE) {
                    settle = System.currentTimeMillis() + 1_000;
                }
            }
        }
        return records;
    }
}
