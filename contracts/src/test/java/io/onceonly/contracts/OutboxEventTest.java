package io.onceonly.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.onceonly.contracts.wire.WireLimits;

class OutboxEventTest {

    private static OutboxEvent.Builder valid() {
        return OutboxEvent.builder()
                .aggregateType("payment")
                .aggregateId("user-7")
                .eventType("PaymentCompleted")
                .bizId("pay-1")
                .payloadJson("{\"amountCents\":1999}");
    }

    @Test
    void buildsWithEveryFieldAndATimeOrderedId() {
        OutboxEvent first = valid().header("traceparent", "00-abc-01").build();
        OutboxEvent second = valid().build();

        assertThat(first.aggregateType()).isEqualTo("payment");
        assertThat(first.aggregateId()).isEqualTo("user-7");
        assertThat(first.eventType()).isEqualTo("PaymentCompleted");
        assertThat(first.bizId()).isEqualTo("pay-1");
        assertThat(first.payload()).isEqualTo("{\"amountCents\":1999}");
        assertThat(first.headers()).containsExactly(Map.entry("traceparent", "00-abc-01"));
        assertThat(first.id().version()).isEqualTo(7);
        assertThat(first.id()).isNotEqualTo(second.id());
        assertThat(first.id().getMostSignificantBits() >>> 16).isLessThanOrEqualTo(second.id().getMostSignificantBits() >>> 16);
    }

    @Test
    void keepsAGivenIdAndIsImmutable() {
        UUID id = UUID.randomUUID();
        OutboxEvent event = valid().id(id).header("a", "1").build();

        assertThat(event.id()).isEqualTo(id);
        assertThatThrownBy(() -> event.headers().put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void serializesAnObjectPayload() {
        OutboxEvent event = valid().payload(Map.of("amountCents", 1999)).build();

        assertThat(event.payload()).isEqualTo("{\"amountCents\":1999}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aggregateType", "aggregateId", "eventType", "bizId"})
    void rejectsABlankRequiredField(String field) {
        OutboxEvent.Builder builder = valid();
        switch (field) {
            case "aggregateType": builder.aggregateType(" "); break;
            case "aggregateId": builder.aggregateId(""); break;
            case "eventType": builder.eventType(null); break;
            default: builder.bizId("  "); break;
        }

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " ")
                .hasMessageContaining("must not be blank");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pay ment", "payment/eu", "zahlung-ä", "a:b"})
    void rejectsAnAggregateTypeUnsafeAsATopicName(String aggregateType) {
        assertThatThrownBy(() -> valid().aggregateType(aggregateType).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aggregateType '" + aggregateType + "'")
                .hasMessageContaining("[a-zA-Z0-9._-]{1,200}")
                .hasMessageContaining("topic");
    }

    @Test
    void rejectsAnAggregateTypeLongerThan200Characters() {
        String longType = "a".repeat(201);

        assertThatThrownBy(() -> valid().aggregateType(longType).build())
                .hasMessageContaining("aggregateType 'aaaa")
                .hasMessageContaining("(201 chars)")
                .hasMessageContaining("{1,200}");
        assertThat(valid().aggregateType("a".repeat(200)).build().aggregateType()).hasSize(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"a\":", "{\"a\":1} trailing", "[1,2", "{'a':1}"})
    void rejectsAPayloadThatIsNotOneJsonValue(String payload) {
        assertThatThrownBy(() -> valid().payloadJson(payload).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("payload '")
                .hasMessageMatching("(?s).*(is not valid JSON|must be a single JSON value).*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "\"text\"", "[1,2]", "null", "{\"nested\":{\"list\":[true,false]}}"})
    void acceptsAnyJsonValue(String payload) {
        assertThat(valid().payloadJson(payload).build().payload()).isEqualTo(payload);
    }

    @Test
    void rejectsAPayloadOverTheSizeLimitNamingTheLimit() {
        String payload = "\"" + "é".repeat(600) + "\""; // 1,202 bytes of UTF-8, 602 chars

        assertThatThrownBy(() -> valid().payloadJson(payload).maxPayloadBytes(1000).build())
                .hasMessageContaining("is 1202 bytes of UTF-8, over the limit of 1000 (maxPayloadBytes)")
                .hasMessageContaining("(602 chars)");
        assertThat(valid().payloadJson(payload).maxPayloadBytes(1202).build().payload()).isEqualTo(payload);
    }

    @Test
    void defaultPayloadLimitIsTheWireLimitOfAWholeEvent() {
        assertThat(OutboxEvent.DEFAULT_MAX_PAYLOAD_BYTES).isEqualTo(WireLimits.DEFAULT_MAX_EVENT_BYTES);
        String justOver = "\"" + "x".repeat(OutboxEvent.DEFAULT_MAX_PAYLOAD_BYTES - 1) + "\"";

        assertThatThrownBy(() -> valid().payloadJson(justOver).build())
                .hasMessageContaining("over the limit of 921600 (maxPayloadBytes)");
    }

    @Test
    void rejectsABizIdOrAggregateIdLongerThanTheWireAllowsNamingFieldLengthAndLimit() {
        String bizIdAtLimit = "é".repeat(WireLimits.MAX_BIZ_ID_BYTES / 2);
        String aggregateIdAtLimit = "a".repeat(WireLimits.MAX_AGGREGATE_ID_BYTES);
        assertThat(valid().bizId(bizIdAtLimit).aggregateId(aggregateIdAtLimit).build().bizId()).isEqualTo(bizIdAtLimit);

        assertThatThrownBy(() -> valid().bizId(bizIdAtLimit + "x").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bizId 'éé")
                .hasMessageContaining("is 513 bytes of UTF-8, over the limit of 512 (WireLimits.MAX_BIZ_ID_BYTES)");
        assertThatThrownBy(() -> valid().aggregateId(aggregateIdAtLimit + "€").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("aggregateId 'aaa")
                .hasMessageContaining("(513 chars)")
                .hasMessageContaining("is 515 bytes of UTF-8, over the limit of 512 (WireLimits.MAX_AGGREGATE_ID_BYTES)");
    }

    @Test
    void rejectsNulCharactersPostgresCannotStore() {
        assertThatThrownBy(() -> valid().bizId("pay\u00001").build())
                .hasMessageContaining("bizId 'pay\\u00001'")
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> valid().payloadJson("{\"a\":\"x\\u0000y\"}").build())
                .hasMessageContaining("\\u0000")
                .hasMessageContaining("jsonb");
    }

    @Test
    void rejectsReservedOrNullHeaders() {
        assertThatThrownBy(() -> valid().header("once-biz-id", "forged").build())
                .hasMessageContaining("header name 'once-biz-id' is reserved");
        assertThatThrownBy(() -> valid().header("trace", null).build())
                .hasMessageContaining("header trace (null)");
    }

    @Test
    void toStringLeavesThePayloadOut() {
        OutboxEvent event = valid().payloadJson("{\"card\":\"4111111111111111\"}").build();

        assertThat(event.toString()).doesNotContain("4111").contains("bizId=pay-1");
    }
}
