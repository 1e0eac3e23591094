package io.onceonly.demo.membership.driver;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.onceonly.demo.membership.services.DemoNames;

/**
 * Outbox rows no {@code OutboxWriter} would write, inserted with raw SQL as a careless script or a
 * hand-written migration might: they must end in the relay's dead-letter topic with a reason,
 * never in a card, and never stop the rows behind them.
 */
final class MalformedRows {

    /** Rows per insertion. */
    static final int PER_BATCH = 3;

    private MalformedRows() {
    }

    static void insert(DataSource db, int batch) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("insert into " + DemoNames.OUTBOX_TABLE
                    + " (id, aggregate_type, aggregate_id, event_type, biz_id, payload) values"
                    + " (gen_random_uuid(), 'payment; drop table', 'raw-sql', 'PaymentCompleted', 'malformed-" + batch + "-a', '{}'),"
                    + " (gen_random_uuid(), 'payment', 'raw-sql', 'PaymentCompleted', '   ', '{\"paymentId\": null}'),"
                    + " (gen_random_uuid(), 'payment', 'raw-sql', '', 'malformed-" + batch + "-c', '{}')");
        }
    }
}
