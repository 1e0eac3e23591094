package io.onceonly.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.onceonly.stack.KafkaBroker;
import io.onceonly.stack.KafkaService;
import io.onceonly.stack.TopicReader;

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
        assertThat(readAll(kafka, topic, "read_uncommitted", 1)).containsExactly("before restart");
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

        assertThat(readAll(kafka, topic, "read_committed", 1)).containsExactly("committed");
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
            assertThat(readAll(broker, topic, "read_uncommitted", 1)).containsExactly("kept");
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

    private static List<String> readAll(KafkaService kafka, String topic, String isolation, int expected) {
        List<String> values = new ArrayList<>();
        TopicReader.read(kafka, topic, expected, Duration.ofSeconds(30), Duration.ofSeconds(1), isolation)
                .forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
        return values;
    }
}
