package io.runwarden.runs;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** One index of the shared indexes store, read as if it were a store of its own: keys without their prefix. */
class IndexView {
    private final ReadOnlyKeyValueStore<String, String> store;
    private final IndexSpace space;

    IndexView(ReadOnlyKeyValueStore<String, String> store, IndexSpace space) {
        this.store = store;
        this.space = space;
    }

    IndexSpace space() {
        return space;
    }

    String get(String key) {
        return store.get(space.key(key));
    }

    /** Entries from {@code from} (inclusive) to {@code to} (exclusive); null bounds: the whole space. */
    KeyValueIterator<String, String> range(String from, String to) {
        return stripped(store.range(from == null ? space.first() : space.key(from), to == null ? space.last() : space.key(to)));
    }

    KeyValueIterator<String, String> all() {
        return range(null, null);
    }

    private KeyValueIterator<String, String> stripped(KeyValueIterator<String, String> it) {
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue<String, String> next() {
                KeyValue<String, String> next = it.next();
                return KeyValue.pair(space.strip(next.key), next.value);
            }

            @Override
            public String peekNextKey() {
                return space.strip(it.peekNextKey());
            }

            @Override
            public void close() {
                it.close();
            }
        };
    }
}
