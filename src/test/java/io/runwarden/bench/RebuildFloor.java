package io.runwarden.bench;

import io.runwarden.kafka.BoundedRocksDb;
import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.runs.RunIndexes;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;

/**
 * B4's floor: what rebuilding one partition's indexes costs a stream thread, per run, and how much of that is writing
 * the index entries into RocksDB. runwarden's own rebuild ({@link RunIndexes}) runs on this thread over a RocksDB
 * store of one partition's runs, shaped as B2 loads them, in steps of 100 ms (as the service takes them) with the
 * stores' part of a commit after each (Kafka Streams 4.4 writes the changelog offsets into a store then, and flushes no
 * memtable); then again into a store that only counts what it is given. Thread CPU only: RocksDB's
 * background flushes and the garbage collector are not in it.
 */
final class RebuildFloor implements AutoCloseable {
    private static final Duration STEP = Duration.ofMillis(100);

    /** CPU a run, µs: the whole rebuild, and the rebuild without its writes; index entries a run. */
    record Result(double cpuPerRun, double cpuPerRunWithoutWrites, double entriesPerRun) {
    }

    private final MockProcessorContext<String, Object> context;
    private final KeyValueStore<String, RunRecord> runs;
    private final int count;
    private int rounds;

    RebuildFloor(Path dir, int runs, Instant now) {
        Properties config = new Properties();
        config.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class.getName());
        context = new MockProcessorContext<>(config, new TaskId(0, 0), dir.toFile());
        this.runs = store("runs", Json.serde(RunRecord.class));
        this.count = runs;
        List<KeyValue<String, RunRecord>> batch = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            batch.add(KeyValue.pair("stored-" + i, run(i, now)));
            if (batch.size() == 10_000 || i == runs - 1) {
                this.runs.putAll(batch);
                batch.clear();
            }
        }
        this.runs.commit(Map.of());
    }

    /** As {@link Workload#storedRuns} leaves them: run i of script i mod 10,000, every other one finished. */
    private static RunRecord run(int i, Instant now) {
        Instant start = now.minusSeconds(i % 3600);
        RunRecord.Builder run = RunRecord.builder("stored-" + i).scriptName(Workload.script(i)).startTime(start)
                .deadline(start.plus(Benchmarks.STALE_AFTER));
        return i % 2 == 1 ? run.status(RunStatus.SUCCESS).endTime(now).message("42 rows").build() : run.build();
    }

    /** Both rebuilds, each in the other's order every other round, so that neither alone pays for warming up. */
    Result measure() {
        int round = rounds++;
        KeyValueStore<String, String> indexes = store("indexes-" + round, Serdes.String());
        try {
            CountingStore counted = new CountingStore();
            double all;
            double withoutWrites;
            if (round % 2 == 0) {
                all = rebuildCpu(indexes, "generations-" + round);
                withoutWrites = rebuildCpu(counted, "generations-counted-" + round);
            } else {
                withoutWrites = rebuildCpu(counted, "generations-counted-" + round);
                all = rebuildCpu(indexes, "generations-" + round);
            }
            return new Result(all, withoutWrites, (double) counted.entries / count);
        } finally {
            indexes.close();
        }
    }

    /** @return CPU µs a run */
    private double rebuildCpu(KeyValueStore<String, String> indexes, String generationsName) {
        KeyValueStore<String, String> generations = store(generationsName, Serdes.String());
        try {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long began = threads.getCurrentThreadCpuTime();
            RunIndexes rebuilt = RunIndexes.open(runs, indexes, generations, false);
            while (!rebuilt.rebuildStep(STEP)) {
                indexes.commit(Map.of());
            }
            indexes.commit(Map.of());
            long cpu = threads.getCurrentThreadCpuTime() - began;
            if (rebuilt.rebuiltRuns() != count) {
                throw new IllegalStateException("rebuilt " + rebuilt.rebuiltRuns() + " of " + count + " runs");
            }
            return cpu / 1_000.0 / count;
        } finally {
            generations.close();
        }
    }

    private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    @Override
    public void close() {
        runs.close();
    }

    /**
     * An index store that keeps nothing and counts the entries put in it. A rebuild reads back only the stats of each
     * script's first run and ranges that are empty when it starts, so with this store those reads cost nothing too
     * (about 2 % of the rebuild is booked as writing).
     */
    private static final class CountingStore implements KeyValueStore<String, String> {
        long entries;

        @Override
        public void put(String key, String value) {
            if (value != null) {
                entries++;
            }
        }

        @Override
        public String putIfAbsent(String key, String value) {
            put(key, value);
            return null;
        }

        @Override
        public void putAll(List<KeyValue<String, String>> entries) {
            entries.forEach(entry -> put(entry.key, entry.value));
        }

        @Override
        public String delete(String key) {
            return null;
        }

        @Override
        public String get(String key) {
            return null;
        }

        @Override
        public KeyValueIterator<String, String> range(String from, String to) {
            return new KeyValueIterator<>() {
                @Override
                public void close() {
                }

                @Override
                public String peekNextKey() {
                    throw new NoSuchElementException();
                }

                @Override
                public boolean hasNext() {
                    return false;
                }

                @Override
                public KeyValue<String, String> next() {
                    throw new NoSuchElementException();
                }
            };
        }

        @Override
        public KeyValueIterator<String, String> all() {
            return range(null, null);
        }

        @Override
        public long approximateNumEntries() {
            return 0;
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public void init(StateStoreContext context, StateStore root) {
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public boolean persistent() {
            return false;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public Position getPosition() {
            return Position.emptyPosition();
        }
    }
}
