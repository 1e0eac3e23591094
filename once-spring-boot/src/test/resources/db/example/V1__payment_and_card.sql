-- The example app's own tables. No unique constraint on card.payment_id, on purpose: the claim in
-- processed_message is what must stop a second card, and the tests check that it does.
create table payment (
    payment_id   uuid   primary key,
    user_id      text   not null,
    amount_cents bigint not null
);

create table card (
    card_id    uuid primary key,
    payment_id uuid not null,
    user_id    text not null
);
