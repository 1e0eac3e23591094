package io.onceonly.demo.membership.payment;

import java.util.UUID;

/**
 * What {@link PaymentService#purchase} answered.
 *
 * @param outcome completed now, replayed (the request id was seen: the first answer, no second charge), or refused
 * @param paymentId the payment, or null when refused
 * @param reason why it was refused, or null
 */
public record Purchase(Outcome outcome, UUID paymentId, String reason) {

    /** How a purchase request ended. */
    public enum Outcome {
        /** Charged, payment row and outbox event committed in one transaction. */
        COMPLETED,
        /** A retry of a request already completed: the same payment is returned, nothing is charged. */
        REPLAYED,
        /** Not charged, nothing written. */
        REFUSED
    }

    static Purchase completed(UUID paymentId) {
        return new Purchase(Outcome.COMPLETED, paymentId, null);
    }

    static Purchase replayed(UUID paymentId) {
        return new Purchase(Outcome.REPLAYED, paymentId, null);
    }

    static Purchase refused(String reason) {
        return new Purchase(Outcome.REFUSED, null, reason);
    }
}
