package io.runwarden.runs;

import org.apache.kafka.streams.state.KeyValueStore;

/** The processor's side of an {@link IndexView}: it also writes. */
final class WritableIndex extends IndexView {
    private final KeyValueStore<String, String> store;

    WritableIndex(KeyValueStore<String, String> store, IndexSpace space) {
        super(store, space);
        this.store = store;
    }

    void put(String key, String value) {
        store.put(space().key(key), value);
    }

    void delete(String key) {
        store.delete(space().key(key));
    }
}
