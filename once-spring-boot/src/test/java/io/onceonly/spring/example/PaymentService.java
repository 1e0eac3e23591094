package io.onceonly.spring.example;

import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.onceonly.contracts.OutboxEvent;
import io.onceonly.spring.outbox.TransactionalOutbox;

/** Business code: a payment row and its event, in one {@code @Transactional} method. */
@Service
public class PaymentService {

    private final JdbcTemplate jdbc;
    private final TransactionalOutbox outbox;

    public PaymentService(JdbcTemplate jdbc, TransactionalOutbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    /** Records the payment and its {@code PaymentCompleted} event; both commit, or neither. */
    @Transactional
    public void pay(UUID paymentId, String userId, long amountCents) {
        jdbc.update("insert into payment (payment_id, user_id, amount_cents) values (?, ?, ?)", paymentId, userId, amountCents);
        outbox.append(event(paymentId, userId, amountCents));
    }

    /** As {@link #pay}, then fails before the commit, as a business rule checked last would. */
    @Transactional
    public void payAndFail(UUID paymentId, String userId, long amountCents) {
        pay(paymentId, userId, amountCents);
        throw new IllegalStateException("payment " + paymentId + " refused after its event was written");
    }

    /**
     * Publishes the payment's event again in a transaction of its own, as a service that could not
     * tell whether its first attempt committed does: a new event id, the same biz-id.
     */
    @Transactional
    public void publishAgain(UUID paymentId, String userId, long amountCents) {
        outbox.append(event(paymentId, userId, amountCents));
    }

    private static OutboxEvent event(UUID paymentId, String userId, long amountCents) {
        return OutboxEvent.builder().aggregateType("payment").aggregateId(userId).eventType("PaymentCompleted")
                .bizId(paymentId.toString()).payload(new PaymentCompleted(paymentId, userId, amountCents)).build();
    }
}
