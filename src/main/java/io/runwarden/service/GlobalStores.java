package io.runwarden.service;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The global stores (cron jobs, policies): every instance holds all of each. */
final class GlobalStores {
    private final KafkaStreams streams;

    GlobalStores(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Streams that are not running (shutting down, or failed) answer as a store that moved: 503, not 500. */
    <V> ReadOnlyKeyValueStore<String, V> get(String store) {
        try {
            return streams.store(StoreQueryParameters.<ReadOnlyKeyValueStore<String, V>>fromNameAndType(
                    store, QueryableStoreTypes.keyValueStore()));
        } catch (IllegalStateException e) {
            throw new InvalidStateStoreException("the store " + store + " cannot be read: " + e.getMessage());
        }
    }
}
