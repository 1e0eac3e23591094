package io.onceonly.demo.membership.payment;

import java.util.UUID;

/**
 * The event the payment service publishes through its outbox; the card service issues a card for it.
 * Its biz-id is {@link #paymentId()}.
 */
public record PaymentCompleted(UUID paymentId, String userId, String cardType, long amountCents) {

    /** Event type, header {@code once-event-type}. */
    public static final String TYPE = "PaymentCompleted";
}
