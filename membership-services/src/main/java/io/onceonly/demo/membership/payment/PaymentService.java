package io.onceonly.demo.membership.payment;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

import io.onceonly.contracts.OutboxEvent;
import io.onceonly.contracts.OutboxWriter;
import io.onceonly.demo.membership.services.DemoNames;

/**
 * Sells membership cards. A purchase is ONE database transaction: the payment row (its request id
 * makes retries safe), the debit, and the {@link PaymentCompleted} event in the outbox. Either all
 * of it commits or none of it does, so there is never a charge without its event, nor an event
 * without its charge.
 */
public final class PaymentService implements Payments {

    private static final String S = DemoNames.PAYMENT_SCHEMA;
    // The payment row references its account: an unknown account fails the insert with this state.
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private final DataSource db;
    private final OutboxWriter outbox;

    /** A service whose outbox is {@value DemoNames#OUTBOX_TABLE}, beside its own tables. */
    public PaymentService(DataSource db) {
        this(db, DemoNames.OUTBOX_TABLE);
    }

    /** A service writing its events to {@code outboxTable} (schema-qualified), the table the connector tails. */
    public PaymentService(DataSource db, String outboxTable) {
        this.db = db;
        this.outbox = OutboxWriter.builder().table(outboxTable).build();
    }

    /** Opens accounts with {@code cents} on each, in one transaction; existing accounts stay as they are. */
    @Override
    public void openAccounts(java.util.List<String> userIds, long cents) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement insert = c.prepareStatement("insert into " + S + ".account (user_id, initial_cents, balance_cents)"
                     + " values (?, ?, ?) on conflict do nothing")) {
            c.setAutoCommit(false);
            for (String userId : userIds) {
                insert.setString(1, userId);
                insert.setLong(2, cents);
                insert.setLong(3, cents);
                insert.addBatch();
            }
            insert.executeBatch();
            c.commit();
        }
    }

    /**
     * Charges {@code userId} for a card, once per {@code requestId}.
     *
     * <p>A client that timed out and sends the same request again gets the first payment back
     * ({@link Purchase.Outcome#REPLAYED}) and is not charged twice, also when both requests run at
     * the same time: the second waits on the request id's unique index until the first commits.
     *
     * @return completed, replayed, or refused (insufficient balance, unknown account: nothing written)
     * @throws IllegalArgumentException if {@code requestId} was already used for a different purchase
     */
    @Override
    public Purchase purchase(String requestId, String userId, String cardType, long amountCents) throws SQLException {
        if (amountCents <= 0) {
            throw new IllegalArgumentException("amountCents must be positive, was " + amountCents);
        }
        UUID paymentId = UUID.randomUUID();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean inserted;
                try {
                    inserted = insertPayment(c, paymentId, requestId, userId, cardType, amountCents);
                } catch (SQLException e) {
                    if (!FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                    c.rollback();
                    return Purchase.refused("no account " + userId);
                }
                if (!inserted) {
                    UUID first = paymentOfRequest(c, requestId, userId, cardType, amountCents);
                    c.rollback();
                    return Purchase.replayed(first);
                }
                if (!debit(c, userId, amountCents)) {
                    c.rollback();
                    return Purchase.refused("insufficient balance");
                }
                outbox.append(c, event(UUID.randomUUID(), new PaymentCompleted(paymentId, userId, cardType, amountCents)));
                c.commit();
                return Purchase.completed(paymentId);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Publishes {@link PaymentCompleted} of a committed payment again, with a new event id and the
     * same biz-id: what a payment service does when it cannot tell whether its first publication
     * went through (an ambiguous failure). Only the biz-id stages can tell the two apart.
     *
     * @return the new event's id
     */
    @Override
    public UUID publishAgain(UUID paymentId) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement select = c.prepareStatement("select user_id, card_type, amount_cents from " + S
                    + ".payment where payment_id = ?")) {
                select.setObject(1, paymentId);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("no payment " + paymentId);
                    }
                    UUID eventId = UUID.randomUUID();
                    outbox.append(c, event(eventId, new PaymentCompleted(paymentId, rs.getString(1), rs.getString(2), rs.getLong(3))));
                    c.commit();
                    return eventId;
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static OutboxEvent event(UUID eventId, PaymentCompleted payment) {
        return OutboxEvent.builder()
                .id(eventId)
                .aggregateType(DemoNames.AGGREGATE_TYPE)
                .aggregateId(payment.userId())
                .eventType(PaymentCompleted.TYPE)
                .bizId(payment.paymentId().toString())
                .payload(payment)
                .build();
    }

    private static boolean insertPayment(Connection c, UUID paymentId, String requestId, String userId, String cardType,
                                         long amountCents) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("insert into " + S + ".payment"
                + " (payment_id, request_id, user_id, card_type, amount_cents) values (?, ?, ?, ?, ?)"
                + " on conflict (request_id) do nothing")) {
            insert.setObject(1, paymentId);
            insert.setString(2, requestId);
            insert.setString(3, userId);
            insert.setString(4, cardType);
            insert.setLong(5, amountCents);
            return insert.executeUpdate() == 1;
        }
    }

    private static UUID paymentOfRequest(Connection c, String requestId, String userId, String cardType, long amountCents)
            throws SQLException {
        try (PreparedStatement select = c.prepareStatement("select payment_id, user_id, card_type, amount_cents from " + S
                + ".payment where request_id = ?")) {
            select.setString(1, requestId);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("request " + requestId + " conflicted but its payment is not visible");
                }
                if (!rs.getString(2).equals(userId) || !rs.getString(3).equals(cardType) || rs.getLong(4) != amountCents) {
                    throw new IllegalArgumentException("request id " + requestId + " was already used for another purchase ("
                            + rs.getString(2) + ", " + rs.getString(3) + ", " + rs.getLong(4) + " cents): a retry must"
                            + " repeat the request unchanged, a new purchase needs a new request id");
                }
                return (UUID) rs.getObject(1);
            }
        }
    }

    private static boolean debit(Connection c, String userId, long amountCents) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("update " + S + ".account set balance_cents = balance_cents - ?"
                + " where user_id = ? and balance_cents >= ?")) {
            update.setLong(1, amountCents);
            update.setString(2, userId);
            update.setLong(3, amountCents);
            return update.executeUpdate() == 1;
        }
    }
}
