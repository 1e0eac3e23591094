-- Once schema, read side: the processed-message log of IdempotentConsumer. Idempotent.

create table if not exists processed_message (
    consumer_name text        not null,
    biz_id        text        not null,
    processed_at  timestamptz not null default now(),
    primary key (consumer_name, biz_id)
);

create index if not exists processed_message_processed_at_idx on processed_message (processed_at);
