package io.onceonly.contracts.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import io.onceonly.stack.Await;
import io.onceonly.stack.KafkaService;
import io.onceonly.testkit.WithStack;

@WithStack(scope = WithStack.Scope.JVM)
class JsonSerdeIT {

    public record Payment(String paymentId, long amountCents) {
    }

    @Test
    void aConsumerReportsABadPayloadWithTopicPartitionAndOffset(KafkaService kafka) throws Exception {
        String topic = "serde-" + System.nanoTime();
        kafka.createTopic(topic, 1);
        Properties producerProps = kafka.clientProperties();
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
            producer.send(new ProducerRecord<>(topic, new JsonSerializer<Payment>().serialize(topic, new Payment("p-1", 5)))).get();
            producer.send(new ProducerRecord<>(topic, "{\"paymentId\": oops".getBytes(StandardCharsets.UTF_8))).get();
        }

        Properties consumerProps = kafka.clientProperties();
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, topic);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, Payment> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new JsonDeserializer<>(Payment.class))) {
            consumer.subscribe(List.of(topic));
            Payment first = Await.value("the first record", Duration.ofSeconds(30), () -> {
                var records = consumer.poll(Duration.ofMillis(200));
                return records.isEmpty() ? null : records.iterator().next().value();
            });
            assertThat(first).isEqualTo(new Payment("p-1", 5));

            assertThatThrownBy(() -> Await.until("the malformed record read", Duration.ofSeconds(30), () -> consumer.poll(Duration.ofMillis(200)) == null))
                    .isInstanceOf(RecordDeserializationException.class)
                    .satisfies(e -> {
                        RecordDeserializationException rde = (RecordDeserializationException) e;
                        assertThat(rde.topicPartition().topic()).isEqualTo(topic);
                        assertThat(rde.topicPartition().partition()).isZero();
                        assertThat(rde.offset()).isEqualTo(1L);
                        assertThat(rde.getCause()).isInstanceOf(JsonPayloadException.class)
                                .hasMessageContaining("topic " + topic);
                    });
        }
    }
}
