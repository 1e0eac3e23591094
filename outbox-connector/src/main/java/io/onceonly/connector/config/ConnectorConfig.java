package io.onceonly.connector.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;

import io.onceonly.connector.routing.OutboxColumns;
import io.onceonly.runtime.AppOptions;
import io.onceonly.runtime.BindAddress;
import io.onceonly.runtime.EffectiveConfig;
import io.onceonly.runtime.KafkaCluster;

/**
 * The connector's configuration: parsed and checked once at start, immutable afterwards. Every
 * error names the option and says what is expected.
 */
public final class ConnectorConfig {

    private final AbstractConfig options;
    private final Map<String, String> kafka;
    private final Map<String, String> debezium;
    private final DatabaseUrl url;
    private final DriverParameters driverParameters;

    private ConnectorConfig(AbstractConfig options, Map<String, String> kafka, Map<String, String> debezium) {
        this.options = options;
        this.kafka = Map.copyOf(kafka);
        this.debezium = Map.copyOf(debezium);
        this.url = DatabaseUrl.parse(options.getString(ConnectorOptions.DATABASE_URL));
        String heartbeatTable = options.getString(ConnectorOptions.HEARTBEAT_TABLE);
        if (!heartbeatTable.isEmpty()) {
            NameRule.QUALIFIED_TABLE.ensureValid(ConnectorOptions.HEARTBEAT_TABLE, heartbeatTable);
        }
        checkProducer();
        checkGuarantee();
        checkRetention();
        new DebeziumOverrides(this.debezium).requireSafe();
        this.driverParameters = DriverParameters.of(url, databaseUser(), databasePassword(), this.debezium);
    }

    /**
     * Builds the configuration from the app's options.
     *
     * @throws ConfigException naming the option that is missing or wrong
     */
    public static ConnectorConfig from(AppOptions app) {
        Map<String, String> own = app.own(ConnectorOptions.definition(), "outbox connector",
                ConnectorOptions.KAFKA_PREFIX, ConnectorOptions.DEBEZIUM_PREFIX);
        AbstractConfig parsed = new AbstractConfig(ConnectorOptions.definition(), own, false);
        return new ConnectorConfig(parsed, app.withPrefix(ConnectorOptions.KAFKA_PREFIX), app.withPrefix(ConnectorOptions.DEBEZIUM_PREFIX));
    }

    private void checkProducer() {
        KafkaCluster.requireBootstrapServers(kafka);
        String acks = kafka.get(ProducerConfig.ACKS_CONFIG);
        if (acks != null && !acks.equals("all") && !acks.equals("-1")) {
            throw new ConfigException("kafka.acks", acks, "must be all: with fewer acknowledgements a broker failure loses acknowledged events");
        }
        String idempotence = kafka.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        if (idempotence != null && !idempotence.equalsIgnoreCase("true")) {
            throw new ConfigException("kafka.enable.idempotence", idempotence,
                    "must be true: the idempotent producer is what drops the producer's own retries");
        }
        String inFlight = kafka.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        if (inFlight != null) {
            int n;
            try {
                n = Integer.parseInt(inFlight.strip());
            } catch (NumberFormatException e) {
                throw new ConfigException("kafka.max.in.flight.requests.per.connection", inFlight, "must be a number from 1 to 5");
            }
            if (n < 1 || n > 5) {
                throw new ConfigException("kafka.max.in.flight.requests.per.connection", inFlight,
                        "must be 1 to 5: above 5 the idempotent producer cannot keep per-partition order");
            }
        }
    }

    private void checkGuarantee() {
        if (kafka.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)) {
            throw new ConfigException("kafka.transactional.id", kafka.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG),
                    "may not be set: with delivery.guarantee=exactly-once the connector derives it from name (name.relay)");
        }
        if (exactlyOnce() && !"kafka".equals(offsetStorage())) {
            throw new ConfigException(ConnectorOptions.OFFSET_STORAGE, offsetStorage(), "must be kafka with "
                    + ConnectorOptions.DELIVERY_GUARANTEE + "=" + ConnectorOptions.EXACTLY_ONCE + ": the position is written"
                    + " in the same Kafka transaction as the records; set offset.storage=kafka or delivery.guarantee="
                    + ConnectorOptions.AT_LEAST_ONCE);
        }
    }

    private void checkRetention() {
        if (retention().isPresent() && optional(ConnectorOptions.COLUMN_CREATED_AT).isEmpty()) {
            throw new ConfigException(ConnectorOptions.OUTBOX_RETENTION, options.getString(ConnectorOptions.OUTBOX_RETENTION),
                    "needs " + ConnectorOptions.COLUMN_CREATED_AT + ": rows are purged by their creation time; name the"
                            + " table's creation-time column, or set " + ConnectorOptions.OUTBOX_RETENTION + " empty to keep every row");
        }
    }

    /** Whether each batch and its position are written in one Kafka transaction. */
    public boolean exactlyOnce() {
        return ConnectorOptions.EXACTLY_ONCE.equals(options.getString(ConnectorOptions.DELIVERY_GUARANTEE));
    }

    /** The delivery guarantee's name, as the option spells it. */
    public String deliveryGuarantee() {
        return options.getString(ConnectorOptions.DELIVERY_GUARANTEE);
    }

    /** The transactional.id of the exactly-once producer: derived from the name, so a second instance fences the first. */
    public String transactionalId() {
        return name() + ".relay";
    }

    /** The largest event the event producer sends: kafka.max.request.size, or Kafka's default. */
    public int maxEventRequestSize() {
        String value = kafka.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (value == null) {
            return 1024 * 1024;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException("kafka.max.request.size", value, "must be a number of bytes");
        }
    }

    public String databaseHost() {
        return url.host();
    }

    public int databasePort() {
        return url.port();
    }

    public String databaseName() {
        return url.database();
    }

    /** {@code database.url} as given: connect with it and {@link #databaseProperties()}, never log it. */
    public String databaseUrl() {
        return url.value();
    }

    /** {@code database.url} with its password and other secret parameters hidden: for logs and error messages. */
    public String shownDatabaseUrl() {
        return url.toString();
    }

    /** The driver parameters (TLS among them) every database connection gets, wherever they were given. */
    public DriverParameters driverParameters() {
        return driverParameters;
    }

    /**
     * What the connector's own JDBC connections hand the driver beside {@link #databaseUrl()}: the user, the
     * password and the driver parameters, so that a TLS setting given as a {@code debezium.*} option reaches
     * them as it reaches Debezium's.
     */
    public Properties databaseProperties() {
        return driverParameters.jdbc(databaseUser(), databasePassword());
    }

    public String databaseUser() {
        return options.getString(ConnectorOptions.DATABASE_USER);
    }

    public String databasePassword() {
        return options.getPassword(ConnectorOptions.DATABASE_PASSWORD).value();
    }

    /** How long start-up keeps retrying a database that is not reachable yet, in milliseconds. */
    public long databaseStartTimeoutMs() {
        return options.getLong(ConnectorOptions.DATABASE_START_TIMEOUT_MS);
    }

    public String outboxTable() {
        return options.getString(ConnectorOptions.OUTBOX_TABLE);
    }

    public OutboxColumns columns() {
        return new OutboxColumns(
                options.getString(ConnectorOptions.COLUMN_ID),
                options.getString(ConnectorOptions.COLUMN_AGGREGATE_TYPE),
                options.getString(ConnectorOptions.COLUMN_AGGREGATE_ID),
                options.getString(ConnectorOptions.COLUMN_EVENT_TYPE),
                options.getString(ConnectorOptions.COLUMN_BIZ_ID),
                options.getString(ConnectorOptions.COLUMN_PAYLOAD),
                optional(ConnectorOptions.COLUMN_HEADERS),
                optional(ConnectorOptions.COLUMN_CREATED_AT));
    }

    /** How old a relayed outbox row must be before it is deleted; empty when rows are kept. */
    public Optional<Duration> retention() {
        return RetentionDuration.parse(ConnectorOptions.OUTBOX_RETENTION, options.getString(ConnectorOptions.OUTBOX_RETENTION));
    }

    /** How often the active instance looks for outbox rows to delete, in milliseconds. */
    public long retentionPeriodMs() {
        return options.getLong(ConnectorOptions.OUTBOX_RETENTION_PERIOD_MS);
    }

    /** Outbox rows deleted per transaction. */
    public int retentionBatchSize() {
        return options.getInt(ConnectorOptions.OUTBOX_RETENTION_BATCH_SIZE);
    }

    public String topicPrefix() {
        return options.getString(ConnectorOptions.TOPIC_PREFIX);
    }

    public String deadLetterTopic() {
        return options.getString(ConnectorOptions.DEAD_LETTER_TOPIC);
    }

    public int deadLetterMaxRequestSize() {
        return options.getInt(ConnectorOptions.DEAD_LETTER_MAX_REQUEST_SIZE);
    }

    public String slotName() {
        return options.getString(ConnectorOptions.SLOT_NAME);
    }

    public String publicationName() {
        return options.getString(ConnectorOptions.PUBLICATION_NAME);
    }

    public String snapshotMode() {
        return options.getString(ConnectorOptions.SNAPSHOT_MODE);
    }

    /** Whether a lost slot is recovered by relaying every row still in the outbox table. */
    public boolean resendTableWhenSlotLost() {
        return "resend-table".equals(options.getString(ConnectorOptions.SLOT_LOST_RECOVERY));
    }

    public int pollIntervalMs() {
        return options.getInt(ConnectorOptions.POLL_INTERVAL_MS);
    }

    public int heartbeatIntervalMs() {
        return options.getInt(ConnectorOptions.HEARTBEAT_INTERVAL_MS);
    }

    public Optional<String> heartbeatTable() {
        return optional(ConnectorOptions.HEARTBEAT_TABLE);
    }

    public String offsetStorage() {
        return options.getString(ConnectorOptions.OFFSET_STORAGE);
    }

    public String offsetTopic() {
        return options.getString(ConnectorOptions.OFFSET_TOPIC);
    }

    public short offsetTopicReplicationFactor() {
        return options.getShort(ConnectorOptions.OFFSET_TOPIC_REPLICATION);
    }

    public String offsetFile() {
        return options.getString(ConnectorOptions.OFFSET_FILE);
    }

    public long offsetFlushIntervalMs() {
        return options.getLong(ConnectorOptions.OFFSET_FLUSH_INTERVAL_MS);
    }

    public long sendRetryBackoffMaxMs() {
        return options.getLong(ConnectorOptions.SEND_RETRY_BACKOFF_MAX_MS);
    }

    /** Debezium batches the at-least-once relay may have unacknowledged at once (1: stop-and-wait). */
    public int relayMaxInFlightBatches() {
        return options.getInt(ConnectorOptions.RELAY_MAX_IN_FLIGHT_BATCHES);
    }

    /** How often a standby looks at the slot, and the active one for another reader, in milliseconds. */
    public long standbyPollIntervalMs() {
        return options.getLong(ConnectorOptions.STANDBY_POLL_INTERVAL_MS);
    }

    /** How long the slot's walsender may be silent before a standby ends it, in milliseconds; 0 never. */
    public long standbyTakeoverAfterMs() {
        return options.getLong(ConnectorOptions.STANDBY_TAKEOVER_AFTER_MS);
    }

    /** Retained WAL above which /health says DEGRADED; 0 warns only on the slot's wal_status. */
    public long slotRetainedWalWarnBytes() {
        return options.getLong(ConnectorOptions.SLOT_RETAINED_WAL_WARN_BYTES);
    }

    public int httpPort() {
        return options.getInt(ConnectorOptions.HTTP_PORT);
    }

    /** The address of /health and /metrics: {@code http.bind.address}. */
    public String httpBindAddress() {
        return options.getString(BindAddress.OPTION);
    }

    public String name() {
        return options.getString(ConnectorOptions.NAME);
    }

    /** Producer settings given under {@code kafka.*}, prefix removed. */
    public Map<String, String> kafka() {
        return kafka;
    }

    /** Debezium settings given under {@code debezium.*}, prefix removed. */
    public Map<String, String> debezium() {
        return debezium;
    }

    /** The effective configuration for the start-up log line, secrets hidden. */
    public String describe() {
        Map<String, Object> all = new LinkedHashMap<>();
        options.values().forEach((k, v) -> all.put(k, v));
        kafka.forEach((k, v) -> all.put(ConnectorOptions.KAFKA_PREFIX + k, v));
        debezium.forEach((k, v) -> all.put(ConnectorOptions.DEBEZIUM_PREFIX + k, v));
        return EffectiveConfig.describe(all);
    }

    private Optional<String> optional(String option) {
        String value = options.getString(option);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
