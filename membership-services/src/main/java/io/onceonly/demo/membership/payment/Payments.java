package io.onceonly.demo.membership.payment;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * What a buyer can ask of the payment service: in this JVM ({@link PaymentService}) or over HTTP
 * from another ({@link PaymentClient}). A call that throws may or may not have taken effect: the
 * caller retries it with the same request id, which is what makes the retry safe.
 */
public interface Payments {

    /** Opens accounts with {@code cents} each; existing accounts stay as they are. */
    void openAccounts(List<String> userIds, long cents) throws SQLException, IOException;

    /** Charges once per {@code requestId} and writes PaymentCompleted to the outbox in the same transaction. */
    Purchase purchase(String requestId, String userId, String cardType, long amountCents) throws SQLException, IOException;

    /**
     * Publishes PaymentCompleted for {@code paymentId} again (a new event id, the same biz-id), as a
     * service does after an ambiguous failure of its first publication.
     *
     * @return the new event's id
     */
    UUID publishAgain(UUID paymentId) throws SQLException, IOException;
}
