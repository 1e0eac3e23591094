package io.onceonly.dedup.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

import io.onceonly.contracts.wire.OutboxTopics;
import io.onceonly.runtime.AppOptions;
import io.onceonly.runtime.BindAddress;
import io.onceonly.runtime.EffectiveConfig;
import io.onceonly.runtime.KafkaCluster;

/** The dedup app's configuration: parsed and checked once at start, immutable afterwards. */
public final class DedupConfig {

    /** How often the main consumer refreshes metadata under an input pattern, unless kafka.* says otherwise. */
    public static final long PATTERN_METADATA_AGE_MS = 5_000;

    // The producer's own default of max.request.size.
    private static final int PRODUCER_DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

    private static final List<String> PATTERN_METADATA_AGE_SETTINGS = List.of(ConsumerConfig.METADATA_MAX_AGE_CONFIG,
            StreamsConfig.consumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG),
            StreamsConfig.mainConsumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG));

    private final AbstractConfig options;
    private final Map<String, String> kafka;
    private final OutputTopics outputs;

    private DedupConfig(AbstractConfig options, Map<String, String> kafka) {
        this.options = options;
        this.kafka = Map.copyOf(kafka);
        this.outputs = new OutputTopics(options.getString(DedupOptions.INPUT_PREFIX), options.getString(DedupOptions.OUTPUT_PREFIX),
                OutputTopics.parseMapping(DedupOptions.OUTPUT_MAPPING, options.getList(DedupOptions.OUTPUT_MAPPING)));
        KafkaCluster.requireBootstrapServers(kafka);
        for (String reserved : List.of(StreamsConfig.APPLICATION_ID_CONFIG, StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.STATE_DIR_CONFIG)) {
            if (kafka.containsKey(reserved)) {
                throw new ConfigException("kafka." + reserved, kafka.get(reserved), "is set by the option " + reserved + "; use that instead");
            }
        }
        inputPattern().ifPresent(this::refuseOwnOutputs);
    }

    /**
     * Builds the configuration from the app's options.
     *
     * @throws ConfigException naming the option that is missing or wrong
     */
    public static DedupConfig from(AppOptions app) {
        Map<String, String> own = app.own(DedupOptions.definition(), "dedup app", DedupOptions.KAFKA_PREFIX);
        return new DedupConfig(new AbstractConfig(DedupOptions.definition(), own, false), app.withPrefix(DedupOptions.KAFKA_PREFIX));
    }

    // A pattern that matched the app's own outputs would feed them back in: every record a "duplicate" of itself.
    private void refuseOwnOutputs(Pattern pattern) {
        List<String> own = new ArrayList<>();
        own.add(deadLetterTopic());
        outputs.mapping().values().forEach(out -> {
            own.add(out);
            own.add(OutboxTopics.duplicatesOf(out));
        });
        for (String topic : own) {
            if (pattern.matcher(topic).matches()) {
                throw new ConfigException(DedupOptions.INPUT_PATTERN, pattern.pattern(), "matches the app's own output topic "
                        + topic + "; narrow the pattern or change output.mapping / dead-letter.topic");
            }
        }
        if (couldMatchNameStartingWith(pattern, outputs.outputPrefix())) {
            throw new ConfigException(DedupOptions.INPUT_PATTERN, pattern.pattern(), "can match the app's own default output"
                    + " topics (" + outputs.outputPrefix() + "<input name without input.prefix> and their .duplicates, from"
                    + " output.prefix); narrow the pattern or change output.prefix");
        }
        if (pattern.matcher(OutboxTopics.CONNECTOR_DEAD_LETTER).matches()) {
            throw new ConfigException(DedupOptions.INPUT_PATTERN, pattern.pattern(), "matches the connector's dead-letter topic "
                    + OutboxTopics.CONNECTOR_DEAD_LETTER + ", whose records are not events");
        }
    }

    /*
     * Default outputs (and their duplicates) are the prefix plus names unknown at start. A match that
     * failed without reading past the end of the prefix fails for every longer name too (hitEnd); one
     * that read past it may match some name, so it is refused. An empty prefix says nothing: every
     * pattern reads past it, and the outputs are then input names without input.prefix, which only
     * the inputs themselves decide.
     */
    private static boolean couldMatchNameStartingWith(Pattern pattern, String prefix) {
        if (prefix.isEmpty()) {
            return false;
        }
        Matcher matcher = pattern.matcher(prefix);
        return matcher.matches() || matcher.hitEnd();
    }

    /** The Kafka Streams properties: the app's own settings, then {@code kafka.*}. */
    public Properties streamsProperties(Optional<String> applicationServer) {
        Properties p = new Properties();
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDBConfig.class.getName());
        // The topology has no global stores; this only silences Streams' start-up warning about them.
        p.put("processing.exception.handler.global.enabled", "true");
        p.put(BoundedMemoryRocksDBConfig.BLOCK_CACHE_BYTES, Long.toString(options.getLong(DedupOptions.BLOCK_CACHE_BYTES)));
        p.put(BoundedMemoryRocksDBConfig.WRITE_BUFFER_BYTES, Long.toString(options.getLong(DedupOptions.WRITE_BUFFER_BYTES)));
        if (processingGuarantee().equals(StreamsConfig.EXACTLY_ONCE_V2)) {
            // Under exactly-once a forward is visible to read_committed consumers only when its transaction
            // commits: Kafka Streams' 100 ms default adds up to 100 ms to every record. At 2,000 events/s on
            // 2 cores, 20 ms took the pipeline's p99 from 143 to 82 ms. With the fresh-record cadence
            // (CommitCadence) this interval is a backlog's, where each commit's round trips cost throughput:
            // on a 500,000-record backlog 500 ms ran at 94% of at_least_once where 20 ms ran at 44% (medians
            // of 3, benchmarks/README.md). kafka.* wins.
            p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, freshCommitIntervalMs() > 0 ? "500" : "20");
        }
        if (inputPattern().isPresent() && PATTERN_METADATA_AGE_SETTINGS.stream().noneMatch(kafka::containsKey)) {
            // Kafka Streams sees a new topic matching the pattern only at the main consumer's metadata
            // refresh, every 5 minutes by default: a new outbox topic would wait that long.
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), Long.toString(PATTERN_METADATA_AGE_MS));
        }
        p.putAll(kafka);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee());
        p.put(StreamsConfig.STATE_DIR_CONFIG, options.getString(DedupOptions.STATE_DIR));
        applicationServer.ifPresent(server -> p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, server));
        return p;
    }

    /** Settings for the output topic provisioner's Admin client: see {@link #adminProperties(String)}. */
    public Map<String, Object> adminProperties() {
        return adminProperties("provisioner");
    }

    /**
     * Settings for an Admin client of the same cluster: the client settings of kafka.*, then
     * kafka.admin.*; its client id is the application id and {@code use}.
     */
    public Map<String, Object> adminProperties(String use) {
        Map<String, Object> admin = new java.util.HashMap<>();
        kafka.forEach((name, value) -> {
            if (AdminClientConfig.configNames().contains(name)) {
                admin.put(name, value);
            }
        });
        kafka.forEach((name, value) -> {
            if (name.startsWith(StreamsConfig.ADMIN_CLIENT_PREFIX)) {
                admin.put(name.substring(StreamsConfig.ADMIN_CLIENT_PREFIX.length()), value);
            }
        });
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, applicationId() + "-" + use);
        return admin;
    }

    /**
     * Settings for a consumer outside the application's group that reads a record here and there
     * (the input lag's look at the oldest record not processed): the client settings of kafka.*,
     * then kafka.consumer.*, without group settings, reading only committed records.
     */
    public Map<String, Object> probeConsumerProperties() {
        Map<String, Object> consumer = new java.util.HashMap<>();
        kafka.forEach((name, value) -> {
            if (ConsumerConfig.configNames().contains(name)) {
                consumer.put(name, value);
            }
        });
        kafka.forEach((name, value) -> {
            if (name.startsWith(StreamsConfig.CONSUMER_PREFIX)) {
                consumer.put(name.substring(StreamsConfig.CONSUMER_PREFIX.length()), value);
            }
        });
        // A group.instance.id given for the app's static membership would make this consumer a second member with its id.
        consumer.keySet().removeAll(List.of(ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG));
        consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, applicationId() + "-input-lag");
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return consumer;
    }

    /** The producer's {@code max.request.size}: {@code kafka.producer.max.request.size}, {@code kafka.max.request.size} or Kafka's default. */
    public int producerMaxRequestSize() {
        String size = kafka.getOrDefault(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                kafka.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        try {
            return size == null ? PRODUCER_DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(size.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException("kafka.producer.max.request.size", size, "must be a number of bytes");
        }
    }

    public String applicationId() {
        return options.getString(DedupOptions.APPLICATION_ID);
    }

    public List<String> inputTopics() {
        return options.getList(DedupOptions.INPUT_TOPICS);
    }

    /** The input pattern, when no input topics are listed. */
    public Optional<Pattern> inputPattern() {
        return inputTopics().isEmpty() ? Optional.of(Pattern.compile(options.getString(DedupOptions.INPUT_PATTERN))) : Optional.empty();
    }

    public OutputTopics outputs() {
        return outputs;
    }

    public boolean duplicatesEnabled() {
        return options.getBoolean(DedupOptions.DUPLICATES_ENABLED);
    }

    public String deadLetterTopic() {
        return options.getString(DedupOptions.DEAD_LETTER_TOPIC);
    }

    /** {@code header}, or the JSON pointer the biz-id is read from. */
    public String bizIdSource() {
        return options.getString(DedupOptions.BIZ_ID_SOURCE);
    }

    public boolean repartition() {
        return options.getBoolean(DedupOptions.REPARTITION);
    }

    public Duration retention() {
        return Duration.ofMillis(options.getLong(DedupOptions.RETENTION_MS));
    }

    /**
     * How often the app commits while its records are fresh (see {@link DedupOptions#COMMIT_FRESH_INTERVAL_MS});
     * 0 under at_least_once, whose records are visible as soon as they are written.
     */
    public long freshCommitIntervalMs() {
        return processingGuarantee().equals(StreamsConfig.EXACTLY_ONCE_V2) ? options.getLong(DedupOptions.COMMIT_FRESH_INTERVAL_MS) : 0;
    }

    /** How long after its timestamp a record may be processed and still count as fresh. */
    public long freshMaxLagMs() {
        return options.getLong(DedupOptions.COMMIT_FRESH_MAX_LAG_MS);
    }

    public String processingGuarantee() {
        return options.getString(DedupOptions.PROCESSING_GUARANTEE);
    }

    public int httpPort() {
        return options.getInt(DedupOptions.HTTP_PORT);
    }

    public String httpHost() {
        return options.getString(DedupOptions.HTTP_HOST);
    }

    /** The address of /health, /metrics and the lookup: {@code http.bind.address}. */
    public String httpBindAddress() {
        return options.getString(BindAddress.OPTION);
    }

    /** The token /biz-ids demands ({@code http.lookup.token}); empty for none. */
    public String lookupToken() {
        return options.getPassword(DedupOptions.LOOKUP_TOKEN).value();
    }

    /** Kafka Streams settings given under {@code kafka.*}, prefix removed. */
    public Map<String, String> kafka() {
        return kafka;
    }

    /** The effective configuration for the start-up log line, secrets hidden. */
    public String describe() {
        Map<String, Object> all = new LinkedHashMap<>(options.values());
        kafka.forEach((k, v) -> all.put(DedupOptions.KAFKA_PREFIX + k, v));
        return EffectiveConfig.describe(all);
    }
}
