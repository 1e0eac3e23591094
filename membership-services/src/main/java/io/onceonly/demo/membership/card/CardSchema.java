package io.onceonly.demo.membership.card;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.onceonly.contracts.OutboxSchema;
import io.onceonly.demo.membership.services.Catalog;
import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.demo.membership.services.InTransaction;

/** The card service's own tables, in schema {@value DemoNames#CARD_SCHEMA}: its cards and its processed-message log. */
public final class CardSchema {

    /** The processed-message log the card service claims biz-ids in. */
    public static final String PROCESSED_MESSAGE = DemoNames.CARD_SCHEMA + ".processed_message";
    /** Issued cards. */
    public static final String CARD = DemoNames.CARD_SCHEMA + ".card";

    private CardSchema() {
    }

    /** Creates the schema and its tables if missing, in one transaction. */
    public static void install(Connection c) throws SQLException {
        InTransaction.run(c, tx -> {
            try (Statement s = tx.createStatement()) {
                // Looked up first: a role that owns only this schema may not run "create schema if not exists".
                if (!Catalog.hasSchema(s, DemoNames.CARD_SCHEMA)) {
                    s.execute("create schema if not exists " + DemoNames.CARD_SCHEMA);
                }
                // No unique constraint on payment_id, on purpose: the claim in processed_message is what
                // must stop a second card, and the demo's verdict checks that it did.
                s.execute("create table if not exists " + CARD + " ("
                        + " card_id uuid primary key,"
                        + " payment_id uuid not null,"
                        + " user_id text not null,"
                        + " card_type text not null,"
                        + " issued_at timestamptz not null default clock_timestamp())");
                s.execute("set local search_path to " + DemoNames.CARD_SCHEMA);
                OutboxSchema.installProcessedMessage(tx);
            }
        });
    }
}
