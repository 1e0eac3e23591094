package io.onceonly.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.onceonly.testkit.RandomInputs;

/**
 * Whatever a caller puts into an event, {@link OutboxEvent.Builder#build()} gives a valid event or
 * an {@link IllegalArgumentException} naming the field: never another exception in the middle of
 * the caller's business transaction. One field at a time takes a random value, the others valid,
 * so that every field's check is reached. Inputs are seeded random ({@link RandomInputs}).
 */
class OutboxEventPropertiesTest {

    /** The fields a caller sets. */
    enum Field { AGGREGATE_TYPE, AGGREGATE_ID, EVENT_TYPE, BIZ_ID, PAYLOAD, HEADER_NAME, HEADER_VALUE }

    private final RandomInputs inputs = new RandomInputs();

    @Test
    void buildGivesAnEventOrAnIllegalArgumentNamingTheField() {
        Map<Field, Map<String, Integer>> outcomes = new EnumMap<>(Field.class);
        inputs.forAll(3000, () -> inputs.pick(Field.values()), this::value, (field, value) -> {
            OutboxEvent.Builder builder = OutboxEvent.builder()
                    .aggregateType(field == Field.AGGREGATE_TYPE ? value : "payment")
                    .aggregateId(field == Field.AGGREGATE_ID ? value : "account-1")
                    .eventType(field == Field.EVENT_TYPE ? value : "PaymentCompleted")
                    .bizId(field == Field.BIZ_ID ? value : "pay-1")
                    .payloadJson(field == Field.PAYLOAD ? value : "{\"cents\":100}")
                    .headers(Collections.singletonMap(field == Field.HEADER_NAME ? value : "traceparent",
                            field == Field.HEADER_VALUE ? value : "00-abc-01"));
            String outcome;
            try {
                OutboxEvent event = builder.build();
                outcome = "built";
                assertThat(event.bizId()).isEqualTo(field == Field.BIZ_ID ? value : "pay-1");
            } catch (IllegalArgumentException e) {
                outcome = "refused";
                assertThat(e.getMessage()).as("message for %s", field)
                        .containsAnyOf("aggregateType", "aggregateId", "eventType", "bizId", "payload", "header");
            }
            outcomes.computeIfAbsent(field, f -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
        });
        System.out.println("outcomes per field: " + outcomes);
    }

    @Test
    void anyNonBlankBizIdWithinTheLimitIsKeptAsGiven() {
        inputs.forAll(200, this::bizId, bizId -> {
            OutboxEvent event = OutboxEvent.builder().aggregateType("payment").aggregateId("a-1").eventType("PaymentCompleted")
                    .bizId(bizId).payload(Map.of("bizId", bizId)).build();

            assertThat(event.bizId()).isEqualTo(bizId);
        });
    }

    /** Null, any strings, JSON-like token soup, id-like strings, and fixed edges: blank, NUL, a lone surrogate, too long, BOM. */
    private String value() {
        return inputs.oneOf(() -> null, () -> inputs.string(0, 30),
                () -> inputs.joined(12, () -> inputs.pick("{", "}", "[", "]", "\"", ":", ",", "1", "-", "e", "true", "null", " ",
                        "\\u0000", "\\", "\uFEFF", "/*", "x", "{\"a\":", "\"b\"", "\u2028"), ""),
                () -> inputs.string(1, 40, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."),
                () -> inputs.pick("", " ", "\0", "\uD800", "once-biz-id", "x".repeat(600), "é".repeat(300), "{}", "[1,2]",
                        "{\"a\":1} {}", "{\"a\":\"\\u0000\"}", "\uFEFF{}"));
    }

    /** Any string of 1 to 100 characters that is not blank and holds no NUL. */
    private String bizId() {
        String id;
        do {
            id = inputs.string(1, 100);
        } while (id.isBlank() || id.indexOf('\0') >= 0);
        return id;
    }
}
