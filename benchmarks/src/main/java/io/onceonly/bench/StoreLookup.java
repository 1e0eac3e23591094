package io.onceonly.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.rocksdb.Options;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.dedup.config.BoundedMemoryRocksDBConfig;

/**
 * Microseconds per lookup in a dedup biz-id store as it fills, without Kafka: a RocksDB window
 * store configured by the dedup app's {@link BoundedMemoryRocksDBConfig}, opened in this JVM. Most
 * records are first occurrences, so most lookups are of a biz-id the store does not hold; every
 * tenth key also looks up one it holds, as a duplicate would. Record time advances one second per
 * key, so segments roll and expire as under a steady load, and a store of 1,200,000 keys spans two
 * retentions of 7 days.
 *
 * <p>Layouts: the <b>range read</b> the dedup app does (a biz-id at its exact record time, one range
 * read of [t - retention, t + retention]), against <b>point reads</b> (a biz-id at its record time
 * rounded down to half the retention, a point read per bucket of the span) with bloom filters on
 * every level, and point reads with Kafka Streams' filter default (none on the last level). Each
 * layout fills its own store, one after the other, twice in turn, so the drift of a run shows
 * beside the difference. Why the app keeps the range read: benchmarks/README.md.
 */
final class StoreLookup {

    private static final Logger LOG = LoggerFactory.getLogger(StoreLookup.class);
    private static final long RETENTION_MS = Duration.ofDays(7).toMillis();
    private static final long BUCKET_MS = RETENTION_MS / 2;
    private static final long STEP_MS = 1_000;
    private static final String VALUE = "{\"eventId\":\"3f1c0b7e-1111-2222-3333-444455556666\",\"firstSeenAt\":1764600000000,"
            + "\"topic\":\"outbox.payment\",\"partition\":0,\"offset\":123456,\"traceparent\":null,\"recordTime\":1764600000000}";

    private enum Layout {
        RANGE("range read (dedup app)", BoundedMemoryRocksDBConfig.class),
        POINT("point reads, filters on every level", FiltersOnEveryLevel.class),
        POINT_STREAMS_FILTERS("point reads, Kafka Streams' filter default", BoundedMemoryRocksDBConfig.class);

        final String title;
        final Class<? extends RocksDBConfigSetter> rocksDb;

        Layout(String title, Class<? extends RocksDBConfigSetter> rocksDb) {
            this.title = title;
            this.rocksDb = rocksDb;
        }
    }

    /** The dedup app's RocksDB settings, with bloom filters on the last level too (Kafka Streams leaves them off there). */
    public static final class FiltersOnEveryLevel implements RocksDBConfigSetter {

        private final BoundedMemoryRocksDBConfig app = new BoundedMemoryRocksDBConfig();

        @Override
        public void setConfig(String storeName, Options options, Map<String, Object> configs) {
            app.setConfig(storeName, options, configs);
            options.setOptimizeFiltersForHits(false);
        }

        @Override
        public void close(String storeName, Options options) {
            app.close(storeName, options);
        }
    }

    private final Results results;

    StoreLookup(Results results) {
        this.results = results;
    }

    void run(int keysPerRound, int rounds, int passes) throws Exception {
        for (int pass = 1; pass <= passes; pass++) {
            for (Layout layout : Layout.values()) {
                fill(layout, pass, keysPerRound, rounds);
            }
        }
    }

    private void fill(Layout layout, int pass, int keysPerRound, int rounds) throws Exception {
        try (ScratchDirectory dir = new ScratchDirectory("once-bench-store")) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-store");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, layout.rocksDb.getName());
            MockProcessorContext<Object, Object> context = new MockProcessorContext<>(props, new TaskId(0, 0), dir.path().toFile());
            long storeRetention = layout == Layout.RANGE ? RETENTION_MS : RETENTION_MS + BUCKET_MS;
            WindowStore<String, String> store = Stores.windowStoreBuilder(
                    Stores.persistentWindowStore("biz-ids", Duration.ofMillis(storeRetention), Duration.ofMillis(1), false),
                    Serdes.String(), Serdes.String()).withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            try {
                long t0 = System.currentTimeMillis();
                for (int round = 0; round < rounds; round++) {
                    long missNanos = 0;
                    long hitNanos = 0;
                    int hits = 0;
                    int from = round * keysPerRound;
                    for (int i = from; i < from + keysPerRound; i++) {
                        String key = "deduped.payment/pay-" + i;
                        long time = t0 + i * STEP_MS;
                        long started = System.nanoTime();
                        if (find(layout, store, key, time)) {
                            throw new IllegalStateException(layout + " found " + key + " before it was stored");
                        }
                        missNanos += System.nanoTime() - started;
                        store.put(key, VALUE, layout == Layout.RANGE ? time : bucketOf(time));
                        if (i % 10 == 0 && i >= 100) {
                            started = System.nanoTime();
                            if (!find(layout, store, "deduped.payment/pay-" + (i - 100), time)) {
                                throw new IllegalStateException(layout + " lost pay-" + (i - 100));
                            }
                            hitNanos += System.nanoTime() - started;
                            hits++;
                        }
                    }
                    String setting = String.format("%s, keys %,d-%,d (pass %d)", layout.title, from, from + keysPerRound, pass);
                    double miss = missNanos / 1e3 / keysPerRound;
                    results.add(new Row("dedup store", setting, "us/lookup, not held", miss, "a first occurrence"));
                    results.add(new Row("dedup store", setting, "us/lookup, held", hits == 0 ? 0 : hitNanos / 1e3 / hits, "a duplicate"));
                    LOG.info("dedup store, {}: {} us per lookup of a biz-id not held", setting, String.format("%.2f", miss));
                }
            } finally {
                store.close();
            }
        }
    }

    private static boolean find(Layout layout, WindowStore<String, String> store, String key, long time) {
        long from = time - RETENTION_MS;
        long to = time + RETENTION_MS;
        if (layout == Layout.RANGE) {
            // The value read as the app reads it, as a point read returns it.
            try (WindowStoreIterator<String> seen = store.fetch(key, from, to)) {
                return (seen.hasNext() ? seen.next().value : null) != null;
            }
        }
        for (long bucket = bucketOf(from); bucket <= to; bucket += BUCKET_MS) {
            if (store.fetch(key, bucket) != null) {
                return true;
            }
        }
        return false;
    }

    /** Where the point-read layout keeps a biz-id of record time {@code time}: rounded down to half the retention. */
    private static long bucketOf(long time) {
        return time - Math.floorMod(time, BUCKET_MS);
    }
}
