package io.onceonly.spring.example;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.spring.consumer.KafkaClaims;

/**
 * Business code on the read side: one card per payment, the biz-id claimed in the card's
 * transaction by {@link KafkaClaims}. The container commits the offset after the method returned,
 * so after that transaction; a redelivery finds the claim and issues nothing.
 */
@Component
public class CardIssuer {

    /** The deduplicated topic of payments the listener reads. */
    public static final String TOPIC = "card.issue-requests";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcTemplate jdbc;
    private final KafkaClaims claims;
    private final AtomicBoolean crashAfterNextCommit = new AtomicBoolean();
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();

    public CardIssuer(JdbcTemplate jdbc, KafkaClaims claims) {
        this.jdbc = jdbc;
        this.claims = claims;
    }

    @KafkaListener(topics = TOPIC)
    void onPayment(ConsumerRecord<String, String> record) throws JsonProcessingException {
        PaymentCompleted payment = JSON.readValue(record.value(), PaymentCompleted.class);
        String bizId = EventMetadata.of(record).bizId();
        deliveries.computeIfAbsent(bizId, id -> new AtomicInteger()).incrementAndGet();
        boolean issued = claims.once(record, () -> jdbc.update("insert into card (card_id, payment_id, user_id) values (?, ?, ?)",
                UUID.randomUUID(), payment.paymentId(), payment.userId()));
        if (!issued) {
            refused.computeIfAbsent(bizId, id -> new AtomicInteger()).incrementAndGet();
        }
        if (crashAfterNextCommit.compareAndSet(true, false)) {
            // The card is committed; the offset is not: the container's error handler delivers the record again.
            throw new IllegalStateException("fault: the card service fails after its database commit, before its offset commit");
        }
    }

    /** Fault injection: the next delivery fails after its transaction committed. */
    public void crashAfterNextCommit() {
        crashAfterNextCommit.set(true);
    }

    /** How many times the record of {@code bizId} was delivered. */
    public int deliveries(String bizId) {
        AtomicInteger n = deliveries.get(bizId);
        return n == null ? 0 : n.get();
    }

    /** How many deliveries of {@code bizId} the claim refused. */
    public int refused(String bizId) {
        AtomicInteger n = refused.get(bizId);
        return n == null ? 0 : n.get();
    }
}
