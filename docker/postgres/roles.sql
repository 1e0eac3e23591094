-- The roles of the reference deployment, each with exactly what its app needs (docker/README.md,
-- "Roles and grants"). Run once by the database owner, after contracts' outbox.sql has created
-- public.outbox: 20-roles.sh does it with psql in the postgres image, LeastPrivilegeIT on the
-- testkit's PostgreSQL. psql variables :'connector_password', :'payment_password' and
-- :'card_password' are the roles' passwords; none has a default.

-- The outbox connector: LOGIN and REPLICATION (it creates and reads its own slot), SELECT on the
-- outbox (the snapshot), its heartbeat table, and the publication made here by the owner, because
-- only a table's owner may publish it. No CREATE anywhere: the connector looks for the heartbeat
-- table and the publication before it would create them.
create role once_connector with login replication password :'connector_password';
grant select on public.outbox to once_connector;
create table public.once_heartbeat (id int primary key, beat_at timestamptz not null);
grant select, insert, update on public.once_heartbeat to once_connector;
create publication once_outbox for table public.outbox, public.once_heartbeat;
-- Only with outbox.retention set (the connector refuses to start without it, naming this grant):
-- grant delete on public.outbox to once_connector;

-- The payment service: owns its schema (it creates its tables there at start) and inserts into
-- the outbox, in the same transaction as the payment.
create role once_payment with login password :'payment_password';
create schema membership_payment authorization once_payment;
grant insert on public.outbox to once_payment;

-- The card service: owns its schema (its cards and its processed_message claims).
create role once_card with login password :'card_password';
create schema membership_card authorization once_card;
