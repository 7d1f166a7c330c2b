package io.runwarden.kafka;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStoreWithHeaders;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.internals.StateStoreProvider;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * A key-value store of one partition, found once when asked for. Kafka Streams' own type finds the store again at
 * every read, going through every task of every thread: a third of a logs page's CPU when it read 100 runs one by
 * one. If its task leaves, a read of a store so found fails as an open iterator would; if it turns standby, the store
 * stays open ({@link HeldStores}).
 * Only plain key-value stores, read as they are: Streams would hand a timestamped one over unwrapped.
 */
public final class PartitionStoreType<K, V> implements QueryableStoreType<ReadOnlyKeyValueStore<K, V>> {
    private final QueryableStoreType<ReadOnlyKeyValueStore<K, V>> streamsOwn = QueryableStoreTypes.keyValueStore();

    /**
     * The store {@code name} of {@code partition} on this instance. Streams that are not running (shutting down, or
     * failed) answer as a store that moved does, which the API answers with 503, not 500.
     */
    public static <K, V> ReadOnlyKeyValueStore<K, V> find(KafkaStreams streams, String name, int partition) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, new PartitionStoreType<K, V>())
                    .withPartition(partition));
        } catch (IllegalStateException e) {
            throw new InvalidStateStoreException("the store " + name + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * The values of a store found here, by key, as the store keeps them, unread: for an answer that writes them out as
     * they are. Read beneath Streams' metered layer, which would only read them and time it.
     */
    public static Function<String, byte[]> stored(ReadOnlyKeyValueStore<String, ?> store) {
        if (!(store instanceof WrappedStateStore<?, ?, ?> metered && metered.wrapped() instanceof KeyValueStore<?, ?> inner)) {
            throw new IllegalStateException("the store " + store + " does not keep its values as bytes");
        }
        @SuppressWarnings("unchecked")
        KeyValueStore<Bytes, byte[]> bytes = (KeyValueStore<Bytes, byte[]>) inner;
        return key -> bytes.get(Bytes.wrap(key.getBytes(StandardCharsets.UTF_8))); // keys are written by Serdes.String()
    }

    @Override
    public boolean accepts(StateStore stateStore) {
        return streamsOwn.accepts(stateStore) && !(stateStore instanceof TimestampedKeyValueStore<?, ?>)
                && !(stateStore instanceof TimestampedKeyValueStoreWithHeaders<?, ?>)
                && !(stateStore instanceof VersionedKeyValueStore<?, ?>);
    }

    @Override
    public ReadOnlyKeyValueStore<K, V> create(StateStoreProvider provider, String storeName) {
        List<ReadOnlyKeyValueStore<K, V>> found = provider.stores(storeName, this);
        if (found.size() != 1) {
            throw new InvalidStateStoreException("the store " + storeName + " of one partition was found "
                    + found.size() + " times; the partition may be moving");
        }
        return found.get(0);
    }
}
