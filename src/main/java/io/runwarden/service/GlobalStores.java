package io.runwarden.service;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
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
}
