-- Once's outbox table for Flyway, from contracts' io/onceonly/contracts/outbox.sql (OnceSchemaScriptsTest keeps them equal).
-- Repeatable (R__): idempotent DDL that never takes one of the application's version numbers.
-- Names are the contract (docs/design.md).

create table if not exists outbox (
    id             uuid        primary key,
    aggregate_type text        not null,
    aggregate_id   text        not null,
    event_type     text        not null,
    biz_id         text        not null,
    payload        jsonb       not null,
    headers        jsonb,
    created_at     timestamptz not null default now()
);

-- Purging kept rows by age must not scan the whole table.
create index if not exists outbox_created_at_idx on outbox (created_at);
