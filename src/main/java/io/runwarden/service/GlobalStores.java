package io.runwarden.service;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The global stores (cron jobs, policies): every instance holds all of each. */
final class GlobalStores {
    private final KafkaStreams streams;

    GlobalStores(KafkaStreams streams) {
        this.streams = streams;
    }

    <V> ReadOnlyKeyValueStore<String, V> get(String store) {
        return Unavailable.unlessStopping(() -> streams.store(
                StoreQueryParameters.<ReadOnlyKeyValueStore<String, V>>fromNameAndType(store, QueryableStoreTypes.keyValueStore())));
    }

    /** How many keys the store holds, counted: RocksDB's own figure is an estimate. */
    int count(String store) {
        int count = 0;
        try (KeyValueIterator<String, Object> all = this.<Object>get(store).all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }
}
