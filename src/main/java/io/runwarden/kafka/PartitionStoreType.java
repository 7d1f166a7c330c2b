package io.runwarden.kafka;

import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.internals.StateStoreProvider;

import java.util.List;

/**
 * A key-value store of one partition, found once when asked for. Kafka Streams' own type finds the store again at
 * every read, going through every task of every thread: a third of a logs page's CPU when it read 100 runs one by
 * one. A store so found is for one query: if its task moves meanwhile, a read fails as an open iterator would.
 */
public final class PartitionStoreType<K, V> implements QueryableStoreType<ReadOnlyKeyValueStore<K, V>> {
    private final QueryableStoreType<ReadOnlyKeyValueStore<K, V>> streams = QueryableStoreTypes.keyValueStore();

    @Override
    public boolean accepts(org.apache.kafka.streams.processor.StateStore stateStore) {
        return streams.accepts(stateStore);
    }

    @Override
    public ReadOnlyKeyValueStore<K, V> create(StateStoreProvider provider, String storeName) {
        List<ReadOnlyKeyValueStore<K, V>> found = provider.stores(storeName, streams);
        if (found.size() != 1) {
            throw new InvalidStateStoreException("the store " + storeName + " of one partition was found "
                    + found.size() + " times; the partition may be moving");
        }
        return found.get(0);
    }
}
