package io.onceonly.dedup.config;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

import io.onceonly.contracts.wire.OutboxTopics;
import io.onceonly.runtime.BindAddress;

/**
 * Every option of the dedup app, in one place. {@code kafka.*} passes through to Kafka Streams
 * (and its clients) untouched.
 */
public final class DedupOptions {

    public static final String APPLICATION_ID = "application.id";
    public static final String INPUT_TOPICS = "input.topics";
    public static final String INPUT_PATTERN = "input.pattern";
    public static final String INPUT_PREFIX = "input.prefix";
    public static final String OUTPUT_PREFIX = "output.prefix";
    public static final String OUTPUT_MAPPING = "output.mapping";
    public static final String DUPLICATES_ENABLED = "duplicates.enabled";
    public static final String DEAD_LETTER_TOPIC = "dead-letter.topic";
    public static final String BIZ_ID_SOURCE = "biz-id.source";
    public static final String REPARTITION = "repartition";
    public static final String RETENTION_MS = "retention.ms";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String COMMIT_FRESH_INTERVAL_MS = "commit.fresh.interval.ms";
    public static final String COMMIT_FRESH_MAX_LAG_MS = "commit.fresh.max.lag.ms";
    public static final String STATE_DIR = "state.dir";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_HOST = "http.advertised.host";
    public static final String LOOKUP_TOKEN = "http.lookup.token";
    public static final String BLOCK_CACHE_BYTES = "rocksdb.block.cache.bytes";
    public static final String WRITE_BUFFER_BYTES = "rocksdb.write.buffer.bytes";

    /** Prefix of the Kafka Streams and client settings passed through. */
    public static final String KAFKA_PREFIX = "kafka.";

    /** The pass-through family, for the option table. */
    public static final List<String[]> PASS_THROUGH = List.<String[]>of(new String[] {"kafka.*",
            "Kafka Streams and client settings, for example `kafka.bootstrap.servers` (required),"
                    + " `kafka.num.standby.replicas`, `kafka.commit.interval.ms`. Security settings (`kafka.security.protocol`,"
                    + " `kafka.sasl.mechanism`, `kafka.sasl.jaas.config`, `kafka.ssl.truststore.location`, ...) reach every"
                    + " Kafka client of the app, Kafka Streams' and its own admin clients; the ACLs it needs are in"
                    + " docker/README.md."});

    private static final ConfigDef DEFINITION = BindAddress.define(new ConfigDef()
            .define(APPLICATION_ID, Type.STRING, "once-dedup", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka Streams application.id: the consumer group, the prefix of internal topics. Instances"
                            + " with the same id share the work.")
            .define(INPUT_TOPICS, Type.LIST, "", Importance.HIGH,
                    "Input topics, comma-separated; when set, input.pattern is not used.")
            .define(INPUT_PATTERN, Type.STRING, "outbox\\.(?!dead-letter$).+", new RegexValidator(), Importance.HIGH,
                    "Regular expression of the input topics (used when input.topics is empty). Must not match the"
                            + " app's own outputs, duplicates or dead-letter topics; the start-up check refuses one that does.")
            .define(INPUT_PREFIX, Type.STRING, OutboxTopics.DEFAULT_PREFIX, Importance.MEDIUM,
                    "Prefix removed from an input topic's name to build its default output name.")
            .define(OUTPUT_PREFIX, Type.STRING, "deduped.", Importance.HIGH,
                    "Default output rule: output.prefix + (input name without input.prefix); outbox.payment becomes"
                            + " deduped.payment.")
            .define(OUTPUT_MAPPING, Type.LIST, "", Importance.HIGH,
                    "Explicit outputs, comma-separated input:output pairs, for example outbox.payment:card.issue-requests;"
                            + " they win over the default rule.")
            .define(DUPLICATES_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Write each dropped duplicate to <output>.duplicates with once-first-event-id and once-first-seen-at.")
            .define(DEAD_LETTER_TOPIC, Type.STRING, OutboxTopics.DEDUP_DEAD_LETTER, Importance.MEDIUM,
                    "Where records without a usable biz-id go, with a once-error header.")
            .define(BIZ_ID_SOURCE, Type.STRING, "header", new BizIdSourceValidator(), Importance.HIGH,
                    "Where the dedup key is read: header (once-biz-id) or json:<JSON pointer into the value>,"
                            + " for example json:/paymentId.")
            .define(REPARTITION, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Repartition by biz-id before dedup, for producers whose record keys vary for one biz-id. Gives"
                            + " up per-aggregate order on the output. Off: copies of an event carry the same key, land on"
                            + " the same partition, and order is kept.")
            .define(RETENTION_MS, Type.LONG, 7L * 24 * 60 * 60 * 1000, Range.atLeast(60_000), Importance.HIGH,
                    "How long a biz-id is remembered (by record time). A duplicate arriving later is forwarded again.")
            .define(PROCESSING_GUARANTEE, Type.STRING, "exactly_once_v2", ValidString.in("exactly_once_v2", "at_least_once"),
                    Importance.HIGH, "exactly_once_v2: store, outputs and input offsets commit together, so a biz-id"
                            + " counts as seen only once its forwarding committed. at_least_once: a crash may forward a"
                            + " first occurrence again (the consumer's IdempotentConsumer catches it).")
            .define(COMMIT_FRESH_INTERVAL_MS, Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
                    "Under exactly_once_v2, forwards become visible when their transaction commits. 0 (default): a"
                            + " commit every kafka.commit.interval.ms (20 ms here) whatever the load. Above 0: a commit"
                            + " this often while the app keeps up (its records fresh, see commit.fresh.max.lag.ms) and"
                            + " every kafka.commit.interval.ms (then 500 ms here) on a backlog: about twice the"
                            + " exactly-once throughput on a backlog, a longer p99 while it keeps up (dedup-streams README).")
            .define(COMMIT_FRESH_MAX_LAG_MS, Type.LONG, 1_000L, Range.atLeast(0), Importance.LOW,
                    "A record counts as fresh when it is processed at most this long after its Kafka timestamp (by"
                            + " the app's clock); older records are a backlog. Used when commit.fresh.interval.ms is above 0.")
            .define(STATE_DIR, Type.STRING, "data/dedup-state", Importance.HIGH,
                    "Directory of the RocksDB stores; keep it on a volume so a restart does not rebuild from the changelog.")
            .define(HTTP_PORT, Type.INT, 8084, Range.between(-1, 65_535), Importance.MEDIUM,
                    "Port of /health, /metrics and /biz-ids/{bizId}; 0 picks a free port, -1 turns it off (and the lookup)."))
            .define(HTTP_HOST, Type.STRING, "localhost", Importance.MEDIUM,
                    "Host name other instances use to reach this one's lookup API (Kafka Streams application.server).")
            .define(LOOKUP_TOKEN, Type.PASSWORD, "", Importance.MEDIUM,
                    "When set, /biz-ids answers only requests with the header 'Authorization: Bearer <token>' (else 401);"
                            + " every instance needs the same token, as it passes it on to the others. /health and /metrics"
                            + " stay open. Sent in clear over HTTP: use it on a private network or behind TLS.")
            .define(BLOCK_CACHE_BYTES, Type.LONG, 32L * 1024 * 1024, Range.atLeast(1024 * 1024), Importance.MEDIUM,
                    "RocksDB block cache shared by all stores of the instance (index and filter blocks included).")
            .define(WRITE_BUFFER_BYTES, Type.LONG, 16L * 1024 * 1024, Range.atLeast(1024 * 1024), Importance.MEDIUM,
                    "RocksDB memtable memory shared by all stores of the instance, charged to the block cache.");

    private DedupOptions() {
    }

    /** The definition, for parsing and for the option table. */
    public static ConfigDef definition() {
        return DEFINITION;
    }
}
