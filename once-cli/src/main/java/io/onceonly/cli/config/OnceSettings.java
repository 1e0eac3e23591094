package io.onceonly.cli.config;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;

import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.dedup.config.DedupOptions;
import io.onceonly.dedup.config.OutputTopics;
import io.onceonly.runtime.AppOptions;
import io.onceonly.runtime.KafkaCluster;

/**
 * What the command runs with, from the same places as the apps' options (later ones winning): the
 * files of {@code config.connector} and {@code config.dedup}, then the command's own file
 * ({@code --config FILE} or {@code ONCE_CONFIG}), {@code ONCE_*} environment variables and
 * {@code --name=value} arguments. Nothing is connected to here; each subcommand asks for what it needs,
 * and a missing option is a {@link ConfigException} naming it.
 */
public final class OnceSettings {

    private final AbstractConfig own;
    private final Map<String, String> kafka;
    private final AppSettings connector;
    private final AppSettings dedup;
    private final Map<String, String> connectorFile;

    private OnceSettings(AbstractConfig own, Map<String, String> kafka, AppSettings connector, AppSettings dedup,
                         Map<String, String> connectorFile) {
        this.own = own;
        this.kafka = Map.copyOf(kafka);
        this.connector = connector;
        this.dedup = dedup;
        this.connectorFile = Map.copyOf(connectorFile);
    }

    /**
     * Reads the options.
     *
     * @param configFile the command's {@code --config} file, or null
     * @param settings the {@code --name=value} arguments
     * @throws ConfigException or {@link IllegalArgumentException} naming the option, argument or file that cannot be used
     */
    public static OnceSettings load(String configFile, List<String> settings, Map<String, String> env) {
        List<String> args = new ArrayList<>();
        if (configFile != null) {
            args.add("--config=" + configFile);
        }
        for (String setting : settings) {
            if (!setting.startsWith("--") || !setting.contains("=")) {
                throw new IllegalArgumentException("argument '" + setting + "' is not understood: options are --name=value"
                        + " (for example --kafka.bootstrap.servers=localhost:9092); see --help");
            }
            args.add(setting);
        }
        AppOptions options = AppOptions.load(args.toArray(new String[0]), env);
        Map<String, String> own = options.own(CliOptions.definition(), "once command",
                CliOptions.KAFKA_PREFIX, CliOptions.CONNECTOR_PREFIX, CliOptions.DEDUP_PREFIX);
        AbstractConfig parsed = new AbstractConfig(CliOptions.definition(), own, false);

        Map<String, String> connectorFile = appFile(CliOptions.CONNECTOR_CONFIG, parsed.getString(CliOptions.CONNECTOR_CONFIG));
        Map<String, String> dedupFile = appFile(CliOptions.DEDUP_CONFIG, parsed.getString(CliOptions.DEDUP_CONFIG));

        Map<String, String> kafka = new TreeMap<>(withPrefix(connectorFile, CliOptions.KAFKA_PREFIX));
        kafka.putAll(withPrefix(dedupFile, CliOptions.KAFKA_PREFIX));
        kafka.putAll(options.withPrefix(CliOptions.KAFKA_PREFIX));

        AppSettings connector = new AppSettings(ConnectorOptions.definition(), CliOptions.CONNECTOR_PREFIX, "outbox connector",
                merged(ownOf(connectorFile, ConnectorOptions.definition().names()), options.withPrefix(CliOptions.CONNECTOR_PREFIX)));
        AppSettings dedup = new AppSettings(DedupOptions.definition(), CliOptions.DEDUP_PREFIX, "dedup app",
                merged(ownOf(dedupFile, DedupOptions.definition().names()), options.withPrefix(CliOptions.DEDUP_PREFIX)));
        return new OnceSettings(parsed, kafka, connector, dedup, connectorFile);
    }

    private static Map<String, String> appFile(String option, String file) {
        if (file == null || file.isBlank()) {
            return Map.of();
        }
        try {
            return AppOptions.load(new String[] {"--config=" + file}, Map.of()).values();
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new ConfigException(option, file, e.getMessage());
        }
    }

    private static Map<String, String> withPrefix(Map<String, String> values, String prefix) {
        Map<String, String> stripped = new TreeMap<>();
        values.forEach((name, value) -> {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                stripped.put(name.substring(prefix.length()), value);
            }
        });
        return stripped;
    }

    // An app's file holds pass-through settings beside its own options: only the options are the app's names.
    private static Map<String, String> ownOf(Map<String, String> file, Set<String> names) {
        Map<String, String> own = new TreeMap<>(file);
        own.keySet().retainAll(names);
        return own;
    }

    private static Map<String, String> merged(Map<String, String> under, Map<String, String> over) {
        Map<String, String> all = new TreeMap<>(under);
        all.putAll(over);
        return all;
    }

    /** The Kafka client settings ({@code kafka.*}, prefix removed), checked to name the cluster. */
    public Map<String, String> kafka() {
        KafkaCluster.requireBootstrapServers(kafka);
        return kafka;
    }

    /** The outbox database: {@code database.*}, else the connector's. */
    public DatabaseTarget outboxDatabase() {
        return outboxDatabaseIfGiven().orElseThrow(() -> new ConfigException(CliOptions.DATABASE_URL, null,
                "is required: the outbox database, like jdbc:postgresql://localhost:5432/app (environment: "
                        + AppOptions.envName(CliOptions.DATABASE_URL) + "), or config.connector naming the connector's file"));
    }

    /** The outbox database when one is named. */
    public Optional<DatabaseTarget> outboxDatabaseIfGiven() {
        String url = firstNonEmpty(own.getString(CliOptions.DATABASE_URL), connectorFile.get(ConnectorOptions.DATABASE_URL));
        if (url.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DatabaseTarget(CliOptions.DATABASE_URL, url,
                firstNonEmpty(own.getString(CliOptions.DATABASE_USER), connectorFile.get(ConnectorOptions.DATABASE_USER)),
                firstNonEmpty(own.getPassword(CliOptions.DATABASE_PASSWORD).value(), connectorFile.get(ConnectorOptions.DATABASE_PASSWORD))));
    }

    /** The consumer's database, when {@code consumer.database.url} is given. */
    public Optional<DatabaseTarget> consumerDatabase() {
        String url = own.getString(CliOptions.CONSUMER_DATABASE_URL);
        if (url.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new DatabaseTarget(CliOptions.CONSUMER_DATABASE_URL, url.strip(),
                own.getString(CliOptions.CONSUMER_DATABASE_USER), own.getPassword(CliOptions.CONSUMER_DATABASE_PASSWORD).value()));
    }

    /** The consumer's table of claims. */
    public String consumerTable() {
        return own.getString(CliOptions.CONSUMER_TABLE);
    }

    /** Where replays are audited. */
    public String replayAuditTopic() {
        return own.getString(CliOptions.REPLAY_AUDIT_TOPIC);
    }

    /** The connector's options, by its names. */
    public AppSettings connector() {
        return connector;
    }

    /** The dedup app's options, by its names. */
    public AppSettings dedup() {
        return dedup;
    }

    /** The dedup app's output naming: which output (and duplicates) topic an input topic goes to. */
    public OutputTopics dedupOutputs() {
        return new OutputTopics(dedup.string(DedupOptions.INPUT_PREFIX), dedup.string(DedupOptions.OUTPUT_PREFIX),
                OutputTopics.parseMapping(CliOptions.DEDUP_PREFIX + DedupOptions.OUTPUT_MAPPING, dedup.list(DedupOptions.OUTPUT_MAPPING)));
    }

    /** The connector's prefix of event topics. */
    public String topicPrefix() {
        return connector.string(ConnectorOptions.TOPIC_PREFIX);
    }

    /** The connector's dead-letter topic. */
    public String connectorDeadLetterTopic() {
        return connector.string(ConnectorOptions.DEAD_LETTER_TOPIC);
    }

    /** The dedup app's dead-letter topic. */
    public String dedupDeadLetterTopic() {
        return dedup.string(DedupOptions.DEAD_LETTER_TOPIC);
    }

    private static String firstNonEmpty(String first, String second) {
        if (first != null && !first.isBlank()) {
            return first.strip();
        }
        return second == null ? "" : second.strip();
    }
}
