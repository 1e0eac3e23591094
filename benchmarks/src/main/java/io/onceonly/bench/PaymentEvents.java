package io.onceonly.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.onceonly.contracts.OutboxEvent;

/** The business events every figure writes: a payment of a realistic size, a fresh biz-id each. */
final class PaymentEvents {

    private PaymentEvents() {
    }

    /** {@code size} events of one business transaction on {@code aggregateType}. */
    static List<OutboxEvent> transaction(String aggregateType, int size) {
        List<OutboxEvent> events = new ArrayList<>(size);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < size; i++) {
            String aggregate = "acct-" + random.nextInt(1_000);
            events.add(OutboxEvent.builder().aggregateType(aggregateType).aggregateId(aggregate).eventType("PaymentCompleted")
                    .bizId(UUID.randomUUID().toString())
                    .payloadJson("{\"account\":\"" + aggregate + "\",\"amountCents\":" + random.nextInt(100_000)
                            + ",\"currency\":\"EUR\",\"note\":\"membership card, yearly plan\"}")
                    .build());
        }
        return events;
    }
}
