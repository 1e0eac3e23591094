package io.onceonly.dedup.topology;

import java.time.Duration;

import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The biz-ids one task forwarded, each remembered for at least {@code retention.ms} of record time.
 *
 * <p><b>Layout.</b> A window store ({@value DedupTopology#STORE}) holds a biz-id's first occurrence
 * at its record time rounded down to a bucket of half the retention, so a lookup of the span
 * [t - retention, t + retention] is five point reads, one per bucket, and a read of a bucket whose
 * segment is expired or not yet made costs nothing. RocksDB answers a point read of a missing key
 * from its bloom filters (kept on every level, {@code BoundedMemoryRocksDBConfig}), and most
 * records are first occurrences that miss; the range read of the first layout (each biz-id at its
 * exact record time, {@value DedupTopology#LEGACY_STORE}) opened an iterator and sought in every
 * segment, about a quarter of the stream thread's samples in the dedup benchmark. The benchmarks'
 * {@code dedup store} figure compares the two. The store keeps an entry for the retention plus one
 * bucket, so rounding down never forgets a biz-id early; expiry still drops whole segments, with
 * no deletes.
 *
 * <p><b>Upgrade from the first layout.</b> Its store stays in the topology. A task that finds
 * entries there also looks there for each biz-id it does not find in the new store, and tells
 * the old store the stream time every minute so that it drops its expired segments; once it is
 * empty (at most the retention and a segment of record time after the upgrade) it is not read
 * again. New entries go only to the new store. On a new deployment the old store is empty from the
 * start and never read.
 */
final class SeenStore {

    private static final Logger LOG = LoggerFactory.getLogger(SeenStore.class);
    /** No {@link StoreKey} starts with '/': an output topic's name is never empty. */
    private static final String EXPIRY_KEY = "/expiry";
    private static final Duration LEGACY_EXPIRY_EVERY = Duration.ofMinutes(1);

    private final long retentionMs;
    private final long bucketMs;
    private ProcessorContext<?, ?> context;
    private WindowStore<String, FirstSeen> store;
    private WindowStore<String, FirstSeen> legacy;
    // Decided at the first lookup, when the stores are surely restored; null until then.
    private Boolean legacyInUse;
    private Cancellable legacyExpiry;

    SeenStore(Duration retention) {
        this.retentionMs = retention.toMillis();
        this.bucketMs = bucketMs(retention);
    }

    /** The width of a bucket: half the retention. */
    static long bucketMs(Duration retention) {
        return Math.max(1, retention.toMillis() / 2);
    }

    /** How long the store keeps an entry: the retention, plus the bucket its time was rounded down in. */
    static Duration storeRetention(Duration retention) {
        return retention.plusMillis(bucketMs(retention));
    }

    /** Where a biz-id first seen at {@code timestamp} is stored. */
    long bucketOf(long timestamp) {
        return timestamp - Math.floorMod(timestamp, bucketMs);
    }

    void init(ProcessorContext<?, ?> context) {
        this.context = context;
        this.store = context.getStateStore(DedupTopology.STORE);
        this.legacy = context.getStateStore(DedupTopology.LEGACY_STORE);
        this.legacyInUse = null;
        this.legacyExpiry = context.schedule(LEGACY_EXPIRY_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> expireLegacy());
    }

    /** The earliest first occurrence stored within the retention of {@code timestamp}, or null. */
    FirstSeen find(String key, long timestamp) {
        long from = Math.max(0, timestamp - retentionMs);
        long to = Math.min(Long.MAX_VALUE - bucketMs, timestamp > Long.MAX_VALUE - retentionMs ? Long.MAX_VALUE : timestamp + retentionMs);
        for (long bucket = bucketOf(from); bucket <= to; bucket += bucketMs) {
            FirstSeen first = store.fetch(key, bucket);
            // A bucket at the span's edge also holds times just outside it.
            if (first != null && first.recordTime() >= from && first.recordTime() <= to) {
                return first;
            }
        }
        return legacyInUse() ? findInLegacy(key, from, to) : null;
    }

    /** Remembers {@code first} as the first occurrence of {@code key}, at its record time. */
    void remember(String key, FirstSeen first) {
        store.put(key, first, bucketOf(first.recordTime()));
    }

    private FirstSeen findInLegacy(String key, long from, long to) {
        try (WindowStoreIterator<FirstSeen> seen = legacy.fetch(key, from, to)) {
            return seen.hasNext() ? seen.next().value : null;
        }
    }

    private boolean legacyInUse() {
        if (legacyInUse == null) {
            legacyInUse = hasEntries(legacy);
            if (legacyInUse) {
                LOG.info("task {}: {} holds biz-ids in the layout before {}; they are looked up there too until they expire"
                        + " (at most retention.ms of record time)", context.taskId(), DedupTopology.LEGACY_STORE, DedupTopology.STORE);
            } else {
                legacyExpiry.cancel();
            }
        }
        return legacyInUse;
    }

    // A put advances the old store's stream time, and with it the expiry of its segments; nothing else would.
    private void expireLegacy() {
        if (!Boolean.TRUE.equals(legacyInUse) || context.currentStreamTimeMs() < 0) {
            return;
        }
        legacy.put(EXPIRY_KEY, null, context.currentStreamTimeMs());
        if (!hasEntries(legacy)) {
            legacyInUse = false;
            legacyExpiry.cancel();
            LOG.info("task {}: the biz-ids in {} have all expired; it is no longer read", context.taskId(), DedupTopology.LEGACY_STORE);
        }
    }

    private static boolean hasEntries(WindowStore<String, FirstSeen> store) {
        try (KeyValueIterator<Windowed<String>, FirstSeen> all = store.all()) {
            return all.hasNext();
        }
    }
}
