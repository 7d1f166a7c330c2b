package io.runwarden.kafka;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.util.Map;

/**
 * One block cache for every RocksDB store of the process: each store would otherwise keep a 50 MB cache of its
 * own. Index and filter blocks live in it too. Memtables keep Streams' defaults (16 MB, up to 3 a store): Kafka
 * Streams 4.4 flushes no store at a commit (it writes the changelog offsets into the store instead), so a store's
 * writes stay in its memtables until RocksDB flushes a full one, or the store closes; B5's resident memory at 1M runs
 * is measured with them. (A shared write-buffer budget was tried when Streams still flushed every store at each
 * commit, and removed: stores just rebuilt kept their memtables full until the first commit, so the next store to be
 * rebuilt flushed a tiny file at every write and stalled for minutes.)
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
    static final long CACHE_BYTES = 192L * 1024 * 1024;

    static {
        // the native library is otherwise loaded by the first store, after this class needs it
        RocksDB.loadLibrary();
    }

    // shared by every store of the JVM, never closed: stores come and go with rebalances, the budget stays
    private static final Cache CACHE = new LRUCache(CACHE_BYTES, -1, false, 0.1);

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache outlives any one store
    }
}
