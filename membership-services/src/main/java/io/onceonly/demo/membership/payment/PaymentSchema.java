package io.onceonly.demo.membership.payment;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.onceonly.contracts.OutboxSchema;
import io.onceonly.demo.membership.services.Catalog;
import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.demo.membership.services.InTransaction;

/** The payment service's tables, its outbox among them, in schema {@value DemoNames#PAYMENT_SCHEMA}. */
public final class PaymentSchema {

    private static final List<String> TABLES = List.of(
            "create table if not exists " + DemoNames.PAYMENT_SCHEMA + ".account ("
                    + " user_id text primary key,"
                    + " initial_cents bigint not null,"
                    + " balance_cents bigint not null check (balance_cents >= 0))",
            // request_id unique is what makes purchase() idempotent for a client that retries.
            "create table if not exists " + DemoNames.PAYMENT_SCHEMA + ".payment ("
                    + " payment_id uuid primary key,"
                    + " request_id text not null unique,"
                    + " user_id text not null references " + DemoNames.PAYMENT_SCHEMA + ".account,"
                    + " card_type text not null,"
                    + " amount_cents bigint not null check (amount_cents > 0),"
                    + " created_at timestamptz not null default now())");

    private PaymentSchema() {
    }

    /**
     * Creates the schema, the tables and the outbox (contracts' DDL) beside them if missing, in one transaction.
     * What exists is left alone, so the service's role needs only to own its schema and to insert into an outbox
     * made by the outbox's owner (docker/postgres/roles.sql).
     */
    public static void install(Connection c) throws SQLException {
        install(c, DemoNames.PAYMENT_SCHEMA);
    }

    /**
     * As {@link #install(Connection)}, with the outbox table ({@code outbox}, contracts' DDL) in
     * {@code outboxSchema}, for a deployment whose relay tails an outbox elsewhere.
     */
    public static void install(Connection c, String outboxSchema) throws SQLException {
        InTransaction.run(c, tx -> {
            try (Statement s = tx.createStatement()) {
                if (!Catalog.hasSchema(s, DemoNames.PAYMENT_SCHEMA)) {
                    s.execute("create schema if not exists " + DemoNames.PAYMENT_SCHEMA);
                }
                for (String ddl : TABLES) {
                    s.execute(ddl);
                }
                if (!Catalog.hasTable(s, outboxSchema + "." + OutboxSchema.OUTBOX_TABLE)) {
                    // Contracts' DDL creates the outbox in the current schema.
                    s.execute("set local search_path to " + outboxSchema);
                    OutboxSchema.installOutbox(tx);
                }
            }
        });
    }
}
