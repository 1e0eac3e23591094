package io.onceonly.contracts.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {

    public record Payment(String paymentId, long amountCents) {
    }

    private final JsonSerde<Payment> serde = new JsonSerde<>(Payment.class);

    @Test
    void roundTrips() {
        byte[] bytes = serde.serializer().serialize("t", new Payment("pay-1", 1999));

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"paymentId\":\"pay-1\",\"amountCents\":1999}");
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(new Payment("pay-1", 1999));
    }

    @Test
    void ignoresFieldsAddedByNewerProducersAndKeepsNullsNull() {
        byte[] newer = "{\"paymentId\":\"p\",\"amountCents\":5,\"currency\":\"EUR\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(serde.deserializer().deserialize("t", newer)).isEqualTo(new Payment("p", 5));
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
        assertThat(serde.serializer().serialize("t", null)).isNull();
    }

    @Test
    void readsGenericTypes() {
        JsonSerde<List<Payment>> list = new JsonSerde<>(new TypeReference<List<Payment>>() { });
        byte[] bytes = list.serializer().serialize("t", List.of(new Payment("a", 1)));

        assertThat(list.deserializer().deserialize("t", bytes)).containsExactly(new Payment("a", 1));
    }

    @Test
    void aBadPayloadNamesTheTopic() {
        byte[] bad = "{\"paymentId\":".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> serde.deserializer().deserialize("outbox.payment", bad))
                .isInstanceOf(JsonPayloadException.class)
                .hasMessageContaining("topic outbox.payment")
                .hasMessageContaining(Payment.class.getName());
    }

    @Test
    void aBadPayloadOfARawRecordNamesTopicPartitionAndOffset() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("outbox.payment", 2, 77L, null,
                "not json".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> serde.deserializer().read(record))
                .isInstanceOf(JsonPayloadException.class)
                .hasMessageContaining("topic outbox.payment partition 2 offset 77");
    }
}
