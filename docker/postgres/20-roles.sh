#!/bin/sh
# Runs once, when the postgres image initialises an empty data directory, after 10-outbox.sql
# (contracts' DDL, mounted by compose.yaml) has created public.outbox: the roles of roles.sql,
# each with exactly what its app needs. Every password must be given; there are no defaults.
set -e
: "${CONNECTOR_PASSWORD:?set CONNECTOR_PASSWORD: the password of the connector's role once_connector}"
: "${PAYMENT_PASSWORD:?set PAYMENT_PASSWORD: the password of the payment service's role once_payment}"
: "${CARD_PASSWORD:?set CARD_PASSWORD: the password of the card service's role once_card}"

psql -v ON_ERROR_STOP=1 -v connector_password="$CONNECTOR_PASSWORD" -v payment_password="$PAYMENT_PASSWORD" \
     -v card_password="$CARD_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     --file /once/roles.sql
