-- Once's processed_message table for Flyway, from contracts' io/onceonly/contracts/processed_message.sql (OnceSchemaScriptsTest keeps them equal).
-- Repeatable (R__): idempotent DDL that never takes one of the application's version numbers.

create table if not exists processed_message (
    consumer_name text        not null,
    biz_id        text        not null,
    processed_at  timestamptz not null default now(),
    primary key (consumer_name, biz_id)
);

create index if not exists processed_message_processed_at_idx on processed_message (processed_at);
