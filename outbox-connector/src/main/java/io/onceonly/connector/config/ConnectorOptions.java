package io.onceonly.connector.config;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

import io.onceonly.contracts.wire.OutboxTopics;
import io.onceonly.runtime.BindAddress;

/**
 * Every option of the outbox connector, in one place: name, type, default, check and meaning.
 * {@code kafka.*} and {@code debezium.*} are not listed: they pass through to the producer and to
 * the Debezium engine untouched.
 */
public final class ConnectorOptions {

    public static final String DATABASE_URL = "database.url";
    public static final String DATABASE_USER = "database.user";
    public static final String DATABASE_PASSWORD = "database.password";
    public static final String DATABASE_START_TIMEOUT_MS = "database.start.timeout.ms";
    public static final String OUTBOX_TABLE = "outbox.table";
    public static final String COLUMN_ID = "outbox.column.id";
    public static final String COLUMN_AGGREGATE_TYPE = "outbox.column.aggregate-type";
    public static final String COLUMN_AGGREGATE_ID = "outbox.column.aggregate-id";
    public static final String COLUMN_EVENT_TYPE = "outbox.column.event-type";
    public static final String COLUMN_BIZ_ID = "outbox.column.biz-id";
    public static final String COLUMN_PAYLOAD = "outbox.column.payload";
    public static final String COLUMN_HEADERS = "outbox.column.headers";
    public static final String COLUMN_CREATED_AT = "outbox.column.created-at";
    public static final String OUTBOX_RETENTION = "outbox.retention";
    public static final String OUTBOX_RETENTION_PERIOD_MS = "outbox.retention.period.ms";
    public static final String OUTBOX_RETENTION_BATCH_SIZE = "outbox.retention.batch.size";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String DEAD_LETTER_TOPIC = "dead-letter.topic";
    public static final String DEAD_LETTER_MAX_REQUEST_SIZE = "dead-letter.max.request.size";
    public static final String SLOT_NAME = "slot.name";
    public static final String PUBLICATION_NAME = "publication.name";
    public static final String SNAPSHOT_MODE = "snapshot.mode";
    public static final String SLOT_LOST_RECOVERY = "slot.lost.recovery";
    public static final String SLOT_RETAINED_WAL_WARN_BYTES = "slot.retained.wal.warn.bytes";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    public static final String HEARTBEAT_TABLE = "heartbeat.table";
    public static final String OFFSET_STORAGE = "offset.storage";
    public static final String OFFSET_TOPIC = "offset.storage.topic";
    public static final String OFFSET_TOPIC_REPLICATION = "offset.storage.replication.factor";
    public static final String OFFSET_FILE = "offset.storage.file";
    public static final String OFFSET_FLUSH_INTERVAL_MS = "offset.flush.interval.ms";
    public static final String SEND_RETRY_BACKOFF_MAX_MS = "send.retry.backoff.max.ms";
    public static final String RELAY_MAX_IN_FLIGHT_BATCHES = "relay.max.in.flight.batches";
    public static final String HTTP_PORT = "http.port";
    public static final String NAME = "name";
    public static final String DELIVERY_GUARANTEE = "delivery.guarantee";
    public static final String STANDBY_POLL_INTERVAL_MS = "standby.poll.interval.ms";
    public static final String STANDBY_TAKEOVER_AFTER_MS = "standby.takeover.after.ms";

    /** {@link #DELIVERY_GUARANTEE}: every committed row reaches Kafka, a crash may send some again. */
    public static final String AT_LEAST_ONCE = "at-least-once";
    /** {@link #DELIVERY_GUARANTEE}: each batch and its position are written in one Kafka transaction. */
    public static final String EXACTLY_ONCE = "exactly-once";

    /** Prefix of the producer settings passed through. */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Prefix of the Debezium engine and connector settings passed through. */
    public static final String DEBEZIUM_PREFIX = "debezium.";

    /** The pass-through families, for the option table. */
    public static final List<String[]> PASS_THROUGH = List.of(
            new String[] {"kafka.*", "producer settings, for example `kafka.bootstrap.servers` (required), `kafka.linger.ms`."
                    + " `acks`, `enable.idempotence` and `max.in.flight.requests.per.connection` may not be set to values that"
                    + " break ordering or deduplication. Security settings (`kafka.security.protocol`, `kafka.sasl.mechanism`,"
                    + " `kafka.sasl.jaas.config`, `kafka.ssl.truststore.location`, ...) reach every Kafka client of the"
                    + " connector, its offset store's too; the ACLs it needs are in docker/README.md."},
            new String[] {"debezium.*", "Debezium engine and PostgreSQL connector settings, for example"
                    + " `debezium.max.batch.size`; they win over the values this connector derives. Values that would"
                    + " lose events are refused: `slot.drop.on.stop=true`, `skipped.operations` that skips inserts or keeps"
                    + " updates or deletes, table, schema and column filters, and `snapshot.mode`, `slot.name`,"
                    + " `publication.name`, `publication.autocreate.mode`, `database.hostname`, `database.port`,"
                    + " `database.dbname`, `database.user`, `database.password` and a `plugin.name` other than pgoutput"
                    + " (use the options above). `database.ssl*` and `driver.*` reach every connection, as the parameters"
                    + " of `database.url` do, and must agree with them."});

    private static final ConfigDef DEFINITION = BindAddress.define(new ConfigDef()
            .define(DATABASE_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "JDBC URL of the PostgreSQL database holding the outbox: jdbc:postgresql://host:5432/dbname,"
                            + " optionally with driver parameters, for TLS ?sslmode=verify-full&sslrootcert=/path/to/ca.crt"
                            + " (also sslcert, sslkey, sslpassword); every connection gets them, the replication stream"
                            + " included. The server needs wal_level=logical.")
            .define(DATABASE_USER, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Database user with the REPLICATION attribute (or superuser), allowed to read the outbox table.")
            .define(DATABASE_PASSWORD, Type.PASSWORD, "", Importance.HIGH, "Password of database.user.")
            .define(DATABASE_START_TIMEOUT_MS, Type.LONG, 300_000L, Range.atLeast(0), Importance.MEDIUM,
                    "How long the start-up checks retry a database that is not reachable yet (refused connection,"
                            + " server starting, too many connections, serialization failure), with growing pauses;"
                            + " then the start fails with exit code 1. 0 tries once. A wrong password, database,"
                            + " privilege or table fails at once (exit code 2).")
            .define(OUTBOX_TABLE, Type.STRING, "public.outbox", NameRule.QUALIFIED_TABLE, Importance.HIGH,
                    "The outbox table, schema-qualified.")
            .define(COLUMN_ID, Type.STRING, "id", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Column of the event id (header once-event-id).")
            .define(COLUMN_AGGREGATE_TYPE, Type.STRING, "aggregate_type", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Column of the aggregate type; the topic is topic.prefix + its value.")
            .define(COLUMN_AGGREGATE_ID, Type.STRING, "aggregate_id", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Column of the aggregate id, the record key.")
            .define(COLUMN_EVENT_TYPE, Type.STRING, "event_type", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Column of the event type (header once-event-type).")
            .define(COLUMN_BIZ_ID, Type.STRING, "biz_id", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Column of the biz-id (header once-biz-id), the dedup key. For a Debezium-style table without"
                            + " one, name the id column (the connector's own resends are dropped) or the aggregate id column"
                            + " (when one aggregate is one business fact).")
            .define(COLUMN_PAYLOAD, Type.STRING, "payload", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Column of the JSON payload, the record value (jsonb, json, text or bytea holding JSON).")
            .define(COLUMN_HEADERS, Type.STRING, "headers", Importance.LOW,
                    "Column of extra headers (a JSON object of strings); empty when the table has none.")
            .define(COLUMN_CREATED_AT, Type.STRING, "created_at", Importance.LOW,
                    "Column of the creation time (header once-created-at); empty to use the commit time.")
            .define(OUTBOX_RETENTION, Type.STRING, "", RetentionDuration.INSTANCE, Importance.MEDIUM,
                    "Delete outbox rows whose creation time is older than this (an ISO-8601 duration such as P7D or PT12H)"
                            + " and that the relay has confirmed to the replication slot; empty keeps every row. Only the"
                            + " active instance deletes, in batches. Needs DELETE on the outbox table and an index on the"
                            + " created-at column (both checked at start).")
            .define(OUTBOX_RETENTION_PERIOD_MS, Type.LONG, 60_000L, Range.between(100, 86_400_000), Importance.LOW,
                    "How often the active instance looks for outbox rows to delete when outbox.retention is set; a look"
                            + " deletes batch after batch until none is left. A look proves relayed what the slot confirmed"
                            + " since the look before, so an old row goes at the second look after its relay at the earliest.")
            .define(OUTBOX_RETENTION_BATCH_SIZE, Type.INT, 1_000, Range.between(1, 100_000), Importance.LOW,
                    "Rows deleted per transaction when outbox.retention is set: a batch locks only its own rows, and only"
                            + " until it commits; writers never wait for it.")
            .define(TOPIC_PREFIX, Type.STRING, OutboxTopics.DEFAULT_PREFIX, NameRule.TOPIC, Importance.HIGH,
                    "Prefix of the topics events go to: prefix + aggregate type.")
            .define(DEAD_LETTER_TOPIC, Type.STRING, OutboxTopics.CONNECTOR_DEAD_LETTER, NameRule.TOPIC, Importance.HIGH,
                    "Topic of rows that cannot be routed, with a once-error header saying why.")
            .define(DEAD_LETTER_MAX_REQUEST_SIZE, Type.INT, 16 * 1024 * 1024, Range.atLeast(1024 * 1024), Importance.MEDIUM,
                    "max.request.size of the dead-letter producer (zstd-compressed): a row too large for its own topic"
                            + " goes to the dead-letter topic whole if it fits this and, compressed, the topic's"
                            + " max.message.bytes. A row over both stops the connector (health DOWN naming the row) instead of"
                            + " being confirmed without its content.")
            .define(SLOT_NAME, Type.STRING, "once_outbox", NameRule.SLOT, Importance.HIGH,
                    "Logical replication slot; created if missing. One slot per connector deployment.")
            .define(PUBLICATION_NAME, Type.STRING, "once_outbox", NameRule.SLOT, Importance.HIGH,
                    "Publication of the outbox (and heartbeat) table; created if missing, used as it is if it exists.")
            .define(SNAPSHOT_MODE, Type.STRING, "initial", ValidString.in("initial", "no_data", "when_needed"),
                    Importance.MEDIUM, "initial: on the very first start, rows already in the outbox are relayed"
                            + " before streaming, so nothing committed before the slot existed is skipped."
                            + " no_data: stream only from the slot's creation.")
            .define(SLOT_LOST_RECOVERY, Type.STRING, "fail", ValidString.in("fail", "resend-table"), Importance.MEDIUM,
                    "What to do when the saved position exists but the slot is gone or invalidated (dropped, a failover"
                            + " to a server without it, max_slot_wal_keep_size). fail: stop with the error and the recovery."
                            + " resend-table: drop an invalidated slot, create a new one and relay every row still in the"
                            + " outbox table before streaming (duplicates are dropped by the dedup stage; rows already deleted"
                            + " by delete-after-insert writers cannot be recovered). Set it for one start, then back to fail.")
            .define(SLOT_RETAINED_WAL_WARN_BYTES, Type.LONG, 1L << 30, Range.atLeast(0), Importance.MEDIUM,
                    "/health says DEGRADED (still HTTP 200) when the replication slot keeps more WAL than this on the server"
                            + " (current LSN - restart_lsn, read every 10 s, also on /metrics), or when its wal_status is"
                            + " unreserved or lost. 0 warns only on wal_status.")
            .define(POLL_INTERVAL_MS, Type.INT, 10, Range.between(1, 60_000), Importance.MEDIUM,
                    "How long Debezium's PostgreSQL reader sleeps when the slot has nothing new: adds up to this"
                            + " much latency, and each wake-up costs idle CPU (Debezium's own default is 500).")
            .define(HEARTBEAT_INTERVAL_MS, Type.INT, 10_000, Range.atLeast(0), Importance.MEDIUM,
                    "Heartbeat period; 0 turns heartbeats off. With heartbeat.table, keeps the slot advancing"
                            + " while only other tables are written, so the server does not keep WAL forever.")
            .define(HEARTBEAT_TABLE, Type.STRING, "public.once_heartbeat", Importance.MEDIUM,
                    "Table the heartbeat writes one row to (created if missing, added to the publication);"
                            + " empty for heartbeats without a write.")
            .define(OFFSET_STORAGE, Type.STRING, "kafka", ValidString.in("kafka", "file"), Importance.HIGH,
                    "Where the connector's position is kept: kafka (a compacted topic, survives the container)"
                            + " or file (local runs only).")
            .define(OFFSET_TOPIC, Type.STRING, "once-outbox-connector.offsets", NameRule.TOPIC, Importance.MEDIUM,
                    "Offset topic when offset.storage=kafka.")
            .define(OFFSET_TOPIC_REPLICATION, Type.SHORT, (short) -1, Importance.MEDIUM,
                    "Replication factor of the offset topic; -1 takes the broker's default.replication.factor.")
            .define(OFFSET_FILE, Type.STRING, "data/outbox-connector.offsets", Importance.MEDIUM,
                    "Offset file when offset.storage=file.")
            .define(OFFSET_FLUSH_INTERVAL_MS, Type.LONG, 1_000L, Range.atLeast(0), Importance.MEDIUM,
                    "How often acknowledged positions are saved and confirmed to the slot. A crash resends"
                            + " at most this much (the dedup stage drops it); larger keeps more WAL.")
            .define(SEND_RETRY_BACKOFF_MAX_MS, Type.LONG, 5_000L, Range.atLeast(1), Importance.LOW,
                    "Upper bound of the wait between resends of a record Kafka did not acknowledge.")
            .define(RELAY_MAX_IN_FLIGHT_BATCHES, Type.INT, 2, Range.between(1, 16), Importance.LOW,
                    "delivery.guarantee=at-least-once: how many Debezium batches may be sent to Kafka and not yet"
                            + " acknowledged, so that the next batch is read while Kafka acknowledges the last. 1 waits"
                            + " for each batch's acknowledgements first. Positions are marked only after a batch and every"
                            + " earlier one were acknowledged, in order; exactly-once always sends one batch at a time.")
            .define(HTTP_PORT, Type.INT, 8083, Range.between(-1, 65_535), Importance.MEDIUM,
                    "Port of /health and /metrics; 0 picks a free port, -1 turns the endpoint off."))
            .define(NAME, Type.STRING, "once-outbox-connector", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Engine name; also the producer's client.id prefix, and with delivery.guarantee=exactly-once"
                            + " the producer's transactional.id is name.relay, so a second instance with the same name"
                            + " fences (stops) the first.")
            .define(DELIVERY_GUARANTEE, Type.STRING, AT_LEAST_ONCE, ValidString.in(AT_LEAST_ONCE, EXACTLY_ONCE), Importance.HIGH,
                    "at-least-once: every committed row reaches Kafka; after a crash the rows since the last saved"
                            + " position are sent again (the dedup stage drops them). exactly-once: each batch of rows"
                            + " and its position are written in one Kafka transaction, so read_committed consumers see"
                            + " each row once, also after a crash; needs offset.storage=kafka and a cluster that can run"
                            + " transactions (checked at start).")
            .define(STANDBY_POLL_INTERVAL_MS, Type.LONG, 500L, Range.between(50, 60_000), Importance.MEDIUM,
                    "How often a standby instance (one started while another reader streams the replication slot) looks"
                            + " at the slot; it starts streaming as soon as the slot is free, so this bounds the takeover's wait."
                            + " The active instance looks as often for another reader that took over.")
            .define(STANDBY_TAKEOVER_AFTER_MS, Type.LONG, 10_000L, Range.atLeast(0), Importance.MEDIUM,
                    "A standby ends the walsender holding the slot (pg_terminate_backend) when it has not heard from its"
                            + " reader for longer than this: a paused or cut-off active instance would otherwise keep the"
                            + " slot until the server's wal_sender_timeout. 0 never ends it. Needs the same database.user"
                            + " on both instances, or pg_signal_backend.");

    private ConnectorOptions() {
    }

    /** The definition, for parsing and for the option table. */
    public static ConfigDef definition() {
        return DEFINITION;
    }
}
