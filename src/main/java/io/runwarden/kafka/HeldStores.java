package io.runwarden.kafka;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The key-value stores of the partitions an instance holds, each found ({@link PartitionStoreType}) at most once a
 * second and used again while it stays open: finding a logs page's twelve stores was a quarter of its CPU. A task that
 * leaves this instance, or moves to another thread, closes its stores, and the next read finds the new one (or none:
 * 503). A task turned standby keeps its stores open: a reader must ask only for partitions held here as active tasks
 * ({@code LocalRuns} does). Found again once any task closes or restore starts: a task whose state was found corrupt
 * is wiped and restores again into the same stores, which Streams does not hand out until it is done, and a reader
 * that never saw them closed would read them half filled. Found again each second all the same, a bound on any such case unforeseen. Reads wait
 * for the streams to be running, as a find does: while they rebalance they answer as a store that moved.
 */
public final class HeldStores {
    static final Duration KEPT = Duration.ofSeconds(1);

    private record Key(String name, int partition) {
    }

    private record Found(ReadOnlyKeyValueStore<String, ?> store, long at, long changes) {
    }

    private final Supplier<KafkaStreams.State> state;
    private final BiFunction<String, Integer, ReadOnlyKeyValueStore<String, ?>> find;
    private final LongSupplier storeChanges;
    private final LongSupplier nanoTime;
    private final Map<Key, Found> found = new ConcurrentHashMap<>();

    HeldStores(Supplier<KafkaStreams.State> state, BiFunction<String, Integer, ReadOnlyKeyValueStore<String, ?>> find,
               LongSupplier storeChanges, LongSupplier nanoTime) {
        this.state = state;
        this.find = find;
        this.storeChanges = storeChanges;
        this.nanoTime = nanoTime;
    }

    /** @param storeChanges how many tasks have closed and restores started in these streams */
    public static HeldStores of(KafkaStreams streams, LongSupplier storeChanges) {
        return new HeldStores(streams::state, (name, partition) -> PartitionStoreType.find(streams, name, partition),
                storeChanges, System::nanoTime);
    }

    @SuppressWarnings("unchecked")
    public <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition) {
        KafkaStreams.State now = state.get();
        if (now != KafkaStreams.State.RUNNING) {
            throw new InvalidStateStoreException("the store " + name + " cannot be read while the streams are " + now);
        }
        Key key = new Key(name, partition);
        Found last = found.get(key);
        long at = nanoTime.getAsLong();
        long changes = storeChanges.getAsLong(); // before the find: a change during it is seen next time
        if (last == null || at - last.at() >= KEPT.toNanos() || last.changes() != changes
                || !((StateStore) last.store()).isOpen()) {
            found.remove(key); // seen closed, old or restoring: never handed out again, even if the find below fails
            last = new Found(find.apply(name, partition), at, changes);
            found.put(key, last);
        }
        return (ReadOnlyKeyValueStore<String, V>) last.store();
    }
}
