package io.onceonly.connector.source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.connector.offsets.RelayOffsets;

/**
 * The Debezium engine and PostgreSQL connector settings derived from the connector's options;
 * {@code debezium.*} options are applied last and win.
 */
public final class EngineProperties {

    /** How long the start may take to read the saved position from Kafka before it fails, naming the topic. */
    static final Duration OFFSETS_READ_TIMEOUT = Duration.ofSeconds(60);

    /** How often Debezium reports its position to the walsender, which sets pg_stat_replication.reply_time. */
    public static final Duration STATUS_UPDATE_INTERVAL = Duration.ofSeconds(1);

    private EngineProperties() {
    }

    public static Properties of(ConnectorConfig config) {
        Properties p = new Properties();
        p.setProperty("name", config.name());
        // Debezium's PostgreSQL connector, its task waiting for the first change when the outbox is quiet (OutboxSourceTask).
        p.setProperty("connector.class", OutboxSourceConnector.class.getName());
        p.setProperty("queue.provider.type", ArrivalQueueProvider.NAME);
        p.setProperty(Arrivals.ID, UUID.randomUUID().toString());
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("database.hostname", config.databaseHost());
        p.setProperty("database.port", Integer.toString(config.databasePort()));
        p.setProperty("database.user", config.databaseUser());
        p.setProperty("database.password", config.databasePassword());
        p.setProperty("database.dbname", config.databaseName());
        // The URL's query (TLS above all) reaches Debezium's connections, the replication stream's too, only this way:
        // Debezium builds its own URL from host, port and database name.
        config.driverParameters().debezium().forEach(p::setProperty);
        // Debezium's logical server name; it names nothing we publish (records go where the router says).
        p.setProperty("topic.prefix", config.name());
        p.setProperty("slot.name", config.slotName());
        p.setProperty("publication.name", config.publicationName());
        // SourceDatabase creates or checks the publication, with errors that name our options.
        p.setProperty("publication.autocreate.mode", "disabled");
        List<String> tables = new ArrayList<>();
        tables.add(config.outboxTable());
        config.heartbeatTable().ifPresent(tables::add);
        p.setProperty("table.include.list", String.join(",", tables));
        // when_needed is initial plus a new snapshot when the saved position is no longer on the server: the lost-slot
        // recovery, which must be asked for, since it relays the whole table again.
        p.setProperty("snapshot.mode", config.resendTableWhenSlotLost() ? "when_needed" : config.snapshotMode());
        // Only inserts are events; updates and deletes (delete-after-insert mode) are not even decoded into records.
        p.setProperty("skipped.operations", "u,d,t");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("poll.interval.ms", Integer.toString(config.pollIntervalMs()));
        p.setProperty("heartbeat.interval.ms", Integer.toString(config.heartbeatIntervalMs()));
        SourceDatabase.heartbeatQuery(config).ifPresent(q -> p.setProperty("heartbeat.action.query", q));
        p.setProperty("offset.flush.interval.ms", Long.toString(config.offsetFlushIntervalMs()));
        // Debezium queues changes by count (8,192) only: 100 KB rows would want 800 MB of heap. Bound it in bytes too.
        p.setProperty("max.queue.size.in.bytes", Long.toString(queueBytes(Runtime.getRuntime().maxMemory())));
        // After a database or network failure Debezium waits 10 s before restarting its task, then retries with a
        // growing wait up to 10 s: the relay would resume up to 20 s after PostgreSQL is back. 1 s and at most 2 s.
        p.setProperty("retriable.restart.connector.wait.ms", "1000");
        p.setProperty("errors.retry.delay.initial.ms", "300");
        p.setProperty("errors.retry.delay.max.ms", "2000");
        // The walsender's reply_time is how a standby tells a live active instance from a paused one: report every second
        // (Debezium's default is 10 s, which would make standby.takeover.after.ms unsafe below that).
        p.setProperty("status.update.interval.ms", Long.toString(STATUS_UPDATE_INTERVAL.toMillis()));
        // A standby may find the slot still held for a moment after the walsender it ended: retry every second, not 10 s.
        p.setProperty("slot.retry.delay.ms", "1000");
        if ("kafka".equals(config.offsetStorage())) {
            // Our store, not Connect's: Connect's waits without a bound for Kafka on every position Debezium reads back.
            p.setProperty("offset.storage", RelayOffsets.class.getName());
            p.setProperty(RelayOffsets.TOPIC, config.offsetTopic());
            p.setProperty(RelayOffsets.REPLICATION_FACTOR, Short.toString(config.offsetTopicReplicationFactor()));
            p.setProperty(RelayOffsets.READ_TIMEOUT_MS, Long.toString(OFFSETS_READ_TIMEOUT.toMillis()));
            p.setProperty(RelayOffsets.WRITTEN_BY_RELAY, Boolean.toString(config.exactlyOnce()));
            // The offset store is a Kafka client too: it gets the producer's connection and security settings.
            config.kafka().forEach((k, v) -> p.setProperty(RelayOffsets.CLIENT + k, v));
        } else {
            p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
            p.setProperty("offset.storage.file.filename", config.offsetFile());
        }
        config.debezium().forEach(p::setProperty);
        return p;
    }

    /**
     * Debezium's queue bound in bytes: an eighth of the heap, so that the queue, the batch being
     * routed and the producers' buffers fit together; at least 8 MiB.
     */
    static long queueBytes(long maxHeap) {
        return Math.max(8L << 20, maxHeap / 8);
    }
}
