package io.onceonly.spring.example;

import java.util.UUID;

/** The event of a payment, as the payment service writes it and the card issuer reads it. */
public record PaymentCompleted(UUID paymentId, String userId, long amountCents) {
}
