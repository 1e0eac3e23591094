#!/bin/sh
# Runs once, when the postgres image initialises an empty data directory, after 10-outbox.sql
# (contracts' DDL, mounted by compose.yaml) has created public.outbox.
#
# The connector's role gets exactly what the outbox connector needs and no more: LOGIN and
# REPLICATION (its own slot), SELECT on the outbox (snapshot), and the heartbeat table and
# publication made here by the owner, because since PostgreSQL 15 an ordinary role may not
# create tables in schema public, and only a table's owner may publish it.
set -e
: "${CONNECTOR_PASSWORD:?set CONNECTOR_PASSWORD: the password of the connector's role once_connector}"

psql -v ON_ERROR_STOP=1 -v connector_password="$CONNECTOR_PASSWORD" \
     --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
create role once_connector with login replication password :'connector_password';
grant select on public.outbox to once_connector;

create table if not exists public.once_heartbeat (id int primary key, beat_at timestamptz not null);
grant select, insert, update on public.once_heartbeat to once_connector;
-- The connector runs "create table if not exists" on every start; PostgreSQL checks the CREATE
-- privilege on the schema before it sees that the table exists.
grant create on schema public to once_connector;

create publication once_outbox for table public.outbox, public.once_heartbeat;
SQL
