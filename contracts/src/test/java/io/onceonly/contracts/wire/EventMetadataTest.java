package io.onceonly.contracts.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EventMetadataTest {

    private final EventMetadata metadata = new EventMetadata(UUID.randomUUID(), "pay-1", "PaymentCompleted",
            "payment", Instant.ofEpochMilli(1_767_000_000_123L));

    @Test
    void roundTripsThroughHeadersAsUtf8Text() {
        RecordHeaders headers = new RecordHeaders();
        metadata.writeTo(headers);

        assertThat(EventMetadata.of(headers)).isEqualTo(metadata);
        assertThat(new String(headers.lastHeader("once-created-at").value(), StandardCharsets.UTF_8)).isEqualTo("1767000000123");
        assertThat(new String(headers.lastHeader("once-biz-id").value(), StandardCharsets.UTF_8)).isEqualTo("pay-1");
    }

    @Test
    void namesTheMissingHeaderAndTheRecord() {
        RecordHeaders headers = new RecordHeaders();
        metadata.writeTo(headers);
        headers.remove(OnceHeaders.BIZ_ID);
        ConsumerRecord<String, String> record = new ConsumerRecord<>("outbox.payment", 3, 42L, "k", "v");
        headers.forEach(h -> record.headers().add(h));

        assertThatThrownBy(() -> EventMetadata.of(record))
                .isInstanceOf(InvalidHeadersException.class)
                .hasMessageContaining("outbox.payment-3@42")
                .hasMessageContaining("has no header once-biz-id");
    }

    @Test
    void namesAnUnreadableValue() {
        RecordHeaders headers = new RecordHeaders();
        metadata.writeTo(headers);
        headers.remove(OnceHeaders.CREATED_AT);
        headers.add(OnceHeaders.CREATED_AT, "yesterday".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> EventMetadata.of(headers))
                .hasMessageContaining("once-created-at 'yesterday' is not epoch milliseconds");
    }

    @Test
    void readsTheLastValueOfARepeatedHeader() {
        RecordHeaders headers = new RecordHeaders();
        metadata.writeTo(headers);
        headers.add(OnceHeaders.EVENT_TYPE, "PaymentRefunded".getBytes(StandardCharsets.UTF_8));

        assertThat(EventMetadata.of(headers).eventType()).isEqualTo("PaymentRefunded");
    }
}
