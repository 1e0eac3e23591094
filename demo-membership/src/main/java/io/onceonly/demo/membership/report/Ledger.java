package io.onceonly.demo.membership.report;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.onceonly.demo.membership.card.CardSchema;
import io.onceonly.demo.membership.services.DemoNames;

/**
 * The facts in both services' databases that the verdict is made of, read after the run.
 *
 * @param payments payment rows (charges)
 * @param cards card rows
 * @param paymentsWithoutCard charges with no card
 * @param secondCards payments with more than one card
 * @param cardsWithoutPayment cards whose payment does not exist
 * @param accounts accounts
 * @param balanceMismatches accounts whose balance is not opening balance minus their payments
 */
public record Ledger(long payments, long cards, long paymentsWithoutCard, long secondCards, long cardsWithoutPayment,
                     long accounts, long balanceMismatches) {

    private static final String PAYMENT = DemoNames.PAYMENT_SCHEMA + ".payment";
    private static final String ACCOUNT = DemoNames.PAYMENT_SCHEMA + ".account";

    /** Reads the facts (both schemas live in one database here; in production each service would answer for its own). */
    public static Ledger read(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            return new Ledger(
                    count(s, "select count(*) from " + PAYMENT),
                    count(s, "select count(*) from " + CardSchema.CARD),
                    count(s, "select count(*) from " + PAYMENT + " p where not exists (select 1 from " + CardSchema.CARD
                            + " c where c.payment_id = p.payment_id)"),
                    count(s, "select count(*) from (select payment_id from " + CardSchema.CARD
                            + " group by payment_id having count(*) > 1) twice"),
                    count(s, "select count(*) from " + CardSchema.CARD + " c where not exists (select 1 from " + PAYMENT
                            + " p where p.payment_id = c.payment_id)"),
                    count(s, "select count(*) from " + ACCOUNT),
                    count(s, "select count(*) from " + ACCOUNT + " a where a.balance_cents < 0 or a.balance_cents <>"
                            + " a.initial_cents - coalesce((select sum(p.amount_cents) from " + PAYMENT + " p where p.user_id = a.user_id), 0)"));
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
