package io.onceonly.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever a caller puts into an event, {@link OutboxEvent.Builder#build()} gives a valid event or
 * an {@link IllegalArgumentException} naming the field: never another exception in the middle of
 * the caller's business transaction. One field at a time takes a random value, the others valid,
 * so that every field's check is reached.
 */
class OutboxEventPropertiesTest {

    /** The fields a caller sets. */
    enum Field { AGGREGATE_TYPE, AGGREGATE_ID, EVENT_TYPE, BIZ_ID, PAYLOAD, HEADER_NAME, HEADER_VALUE }

    @Property(tries = 3000)
    void buildGivesAnEventOrAnIllegalArgumentNamingTheField(@ForAll Field field, @ForAll("values") String value) {
        OutboxEvent.Builder builder = OutboxEvent.builder()
                .aggregateType(field == Field.AGGREGATE_TYPE ? value : "payment")
                .aggregateId(field == Field.AGGREGATE_ID ? value : "account-1")
                .eventType(field == Field.EVENT_TYPE ? value : "PaymentCompleted")
                .bizId(field == Field.BIZ_ID ? value : "pay-1")
                .payloadJson(field == Field.PAYLOAD ? value : "{\"cents\":100}")
                .headers(Collections.singletonMap(field == Field.HEADER_NAME ? value : "traceparent",
                        field == Field.HEADER_VALUE ? value : "00-abc-01"));
        try {
            OutboxEvent event = builder.build();
            Statistics.label("outcome").collect(field, "built");
            assertThat(event.bizId()).isEqualTo(field == Field.BIZ_ID ? value : "pay-1");
        } catch (IllegalArgumentException e) {
            Statistics.label("outcome").collect(field, "refused");
            assertThat(e.getMessage()).as("message for %s", field)
                    .containsAnyOf("aggregateType", "aggregateId", "eventType", "bizId", "payload", "header");
        }
    }

    @Property(tries = 200)
    void anyNonBlankBizIdWithinTheLimitIsKeptAsGiven(@ForAll("bizIds") String bizId) {
        OutboxEvent event = OutboxEvent.builder().aggregateType("payment").aggregateId("a-1").eventType("PaymentCompleted")
                .bizId(bizId).payload(Map.of("bizId", bizId)).build();

        assertThat(event.bizId()).isEqualTo(bizId);
    }

    @Provide
    Arbitrary<String> values() {
        Arbitrary<String> jsonish = Arbitraries.of("{", "}", "[", "]", "\"", ":", ",", "1", "-", "e", "true", "null", " ", "\\u0000",
                "\\", "\uFEFF", "/*", "x", "{\"a\":", "\"b\"", "\u2028").list().ofMaxSize(12).map(parts -> String.join("", parts));
        return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.strings().ofMaxLength(30), jsonish,
                Arbitraries.strings().alpha().numeric().withChars("-_.").ofMinLength(1).ofMaxLength(40),
                Arbitraries.of("", " ", "\0", "\uD800", "once-biz-id", "x".repeat(600), "é".repeat(300), "{}", "[1,2]",
                        "{\"a\":1} {}", "{\"a\":\"\\u0000\"}", "\uFEFF{}"));
    }

    @Provide
    Arbitrary<String> bizIds() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(100).filter(id -> !id.isBlank() && id.indexOf('\0') < 0);
    }
}
