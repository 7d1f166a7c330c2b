package io.runwarden.stream;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * One memory budget for every RocksDB store of the process. Each of the ~60 stores (10 per partition) would
 * otherwise take RocksDB's defaults for itself, a 50 MB block cache and up to three 16 MB memtables, which adds
 * up to gigabytes; here memtables, index and filter blocks and cached data all come out of one shared cache.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
    static final long CACHE_BYTES = 192L * 1024 * 1024;
    static final long MEMTABLE_BYTES = 64L * 1024 * 1024;

    static {
        // the native library is otherwise loaded by the first store, after this class needs it
        RocksDB.loadLibrary();
    }

    // shared by every store of the JVM, never closed: stores come and go with rebalances, the budget stays
    private static final Cache CACHE = new LRUCache(CACHE_BYTES, -1, false, 0.1);
    private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(MEMTABLE_BYTES, CACHE);

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(WRITE_BUFFERS);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write buffer manager outlive any one store
    }
}
