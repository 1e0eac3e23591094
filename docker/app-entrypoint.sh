#!/bin/sh
# The image's entrypoint: starts the app with exec, so that the JVM is the container's main
# process and `docker stop`'s SIGTERM reaches it (the apps then stop in order and exit 0).
set -e

# dedup-streams forwards biz-id lookups between replicas to the host each replica advertises
# (Kafka Streams' application.server). Replicas made by `docker compose up --scale` share one
# service definition, so the only per-replica name is the container's own host name, which
# Docker's DNS resolves for the other containers of the network. An explicit value wins.
if [ "${APP_MODULE}" = "dedup-streams" ] && [ -z "${ONCE_HTTP_ADVERTISED_HOST:-}" ]; then
    ONCE_HTTP_ADVERTISED_HOST="${HOSTNAME:-$(cat /etc/hostname)}"
    export ONCE_HTTP_ADVERTISED_HOST
fi

exec java -jar /opt/once/app.jar "$@"
