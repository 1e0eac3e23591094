package io.onceonly.dedup.config;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Caps RocksDB's memory for the whole instance, however many store partitions it hosts: one block
 * cache (index and filter blocks included) and one write-buffer budget charged to that cache, as
 * Kafka Streams' memory-management guide describes.
 */
public final class BoundedMemoryRocksDBConfig implements RocksDBConfigSetter {

    /** Streams config key carrying the block cache size in bytes. */
    public static final String BLOCK_CACHE_BYTES = "once.rocksdb.block.cache.bytes";
    /** Streams config key carrying the memtable budget in bytes. */
    public static final String WRITE_BUFFER_BYTES = "once.rocksdb.write.buffer.bytes";

    private static Cache cache;
    private static WriteBufferManager writeBuffers;
    private static long writeBufferBytes;

    // Shared by every store of the JVM, made once from the first store's configs.
    private static synchronized void init(Map<String, Object> configs) {
        if (cache != null) {
            return;
        }
        long cacheBytes = Long.parseLong(String.valueOf(configs.getOrDefault(BLOCK_CACHE_BYTES, 32L << 20)));
        writeBufferBytes = Long.parseLong(String.valueOf(configs.getOrDefault(WRITE_BUFFER_BYTES, 16L << 20)));
        cache = new LRUCache(cacheBytes + writeBufferBytes, -1, false, 0.1);
        writeBuffers = new WriteBufferManager(writeBufferBytes, cache);
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        init(configs);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(writeBuffers);
        options.setMaxWriteBufferNumber(2);
        options.setWriteBufferSize(Math.max(1L << 20, writeBufferBytes / 4));
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and write-buffer manager are shared by all stores: never closed per store.
    }
}
