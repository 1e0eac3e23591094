package io.onceonly.cli.config;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Every option of the {@code once} command, in one place: the databases it reads, the apps' files it
 * takes their names from, and where replays are audited. {@code kafka.*} passes through to the
 * Kafka clients; {@code connector.*} and {@code dedup.*} are the apps' own options by their own names.
 */
public final class CliOptions {

    public static final String DATABASE_URL = "database.url";
    public static final String DATABASE_USER = "database.user";
    public static final String DATABASE_PASSWORD = "database.password";
    public static final String CONSUMER_DATABASE_URL = "consumer.database.url";
    public static final String CONSUMER_DATABASE_USER = "consumer.database.user";
    public static final String CONSUMER_DATABASE_PASSWORD = "consumer.database.password";
    public static final String CONSUMER_TABLE = "consumer.table";
    public static final String CONNECTOR_CONFIG = "config.connector";
    public static final String DEDUP_CONFIG = "config.dedup";
    public static final String REPLAY_AUDIT_TOPIC = "replay.audit.topic";

    /** Prefix of the Kafka client settings passed through (to the consumer, producer and admin client alike). */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Prefix of the connector's own options, by the connector's names: {@code connector.topic.prefix}. */
    public static final String CONNECTOR_PREFIX = "connector.";
    /** Prefix of the dedup app's own options, by the dedup app's names: {@code dedup.output.mapping}. */
    public static final String DEDUP_PREFIX = "dedup.";

    /**
     * Where replays are audited by default. Not under {@code outbox.}: the dedup app's default input
     * pattern would read it as events.
     */
    public static final String DEFAULT_REPLAY_AUDIT_TOPIC = "once.dead-letter-replays";

    /** The pass-through families, for the option table. */
    public static final List<String[]> PASS_THROUGH = List.of(
            new String[] {"kafka.*", "Kafka client settings, for example `kafka.bootstrap.servers` (required by trace and"
                    + " dead-letters), `kafka.security.protocol`, `kafka.sasl.jaas.config`; each client takes those it knows."
                    + " Under these, those of the files of config.connector and config.dedup."},
            new String[] {"connector.*", "the outbox connector's options by its names, over those of config.connector:"
                    + " `connector.topic.prefix`, `connector.dead-letter.topic`, `connector.outbox.table`,"
                    + " `connector.outbox.column.*`, `connector.slot.name`; defaults are the connector's."},
            new String[] {"dedup.*", "the dedup app's options by its names, over those of config.dedup:"
                    + " `dedup.input.prefix`, `dedup.output.prefix`, `dedup.output.mapping`, `dedup.dead-letter.topic`;"
                    + " defaults are the dedup app's."});

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(DATABASE_URL, Type.STRING, "", Importance.HIGH,
                    "JDBC URL of the outbox database, as the connector's database.url (TLS parameters included):"
                            + " trace reads the outbox table there, slot the replication slots. Empty: the connector's, from"
                            + " config.connector.")
            .define(DATABASE_USER, Type.STRING, "", Importance.HIGH,
                    "User of database.url; slot drop needs the REPLICATION attribute (or superuser). Empty: the connector's.")
            .define(DATABASE_PASSWORD, Type.PASSWORD, "", Importance.HIGH,
                    "Password of database.user. Empty: the connector's.")
            .define(CONSUMER_DATABASE_URL, Type.STRING, "", Importance.MEDIUM,
                    "JDBC URL of a consumer's database: trace shows the claims (processed_message rows) of the biz-id"
                            + " there. Empty: claims are not looked up.")
            .define(CONSUMER_DATABASE_USER, Type.STRING, "", Importance.MEDIUM, "User of consumer.database.url.")
            .define(CONSUMER_DATABASE_PASSWORD, Type.PASSWORD, "", Importance.MEDIUM, "Password of consumer.database.user.")
            .define(CONSUMER_TABLE, Type.STRING, "processed_message", Importance.LOW,
                    "The consumer's table of claims, as given to IdempotentConsumer, optionally schema-qualified.")
            .define(CONNECTOR_CONFIG, Type.STRING, "", Importance.HIGH,
                    "The connector's properties file: its topic, table and slot names, and its database.* and kafka.*"
                            + " settings when not given here.")
            .define(DEDUP_CONFIG, Type.STRING, "", Importance.HIGH,
                    "The dedup app's properties file: its output naming and dead-letter topic, and its kafka.* settings"
                            + " when not given here.")
            .define(REPLAY_AUDIT_TOPIC, Type.STRING, DEFAULT_REPLAY_AUDIT_TOPIC, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Topic of the audit records dead-letters replay writes, one per replay, in the same Kafka transaction"
                            + " as the replayed record; created when missing.");

    private CliOptions() {
    }

    /** The definition, for parsing and for the option table. */
    public static ConfigDef definition() {
        return DEFINITION;
    }
}
