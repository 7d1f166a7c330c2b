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
 * own. Index and filter blocks live in it too. Memtables need no budget of their own: Kafka Streams flushes every
 * store at every commit, so they hold at most one commit interval of writes. (A shared write-buffer budget was
 * tried and removed: stores that had just been rebuilt kept their memtables full until the first commit, so the
 * next store to be rebuilt flushed a tiny file at every write and stalled for minutes.)
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
