package io.runwarden.stream;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** One index of the shared indexes store, read as if it were a store of its own: keys without their prefix. */
public class IndexView implements ReadOnlyKeyValueStore<String, String> {
    private final ReadOnlyKeyValueStore<String, String> store;
    private final IndexSpace space;

    public IndexView(ReadOnlyKeyValueStore<String, String> store, IndexSpace space) {
        this.store = store;
        this.space = space;
    }

    IndexSpace space() {
        return space;
    }

    @Override
    public String get(String key) {
        return store.get(space.key(key));
    }

    @Override
    public KeyValueIterator<String, String> range(String from, String to) {
        return stripped(store.range(from == null ? space.first() : space.key(from), to == null ? space.last() : space.key(to)));
    }

    @Override
    public KeyValueIterator<String, String> all() {
        return range(null, null);
    }

    @Override
    public long approximateNumEntries() {
        return store.approximateNumEntries();
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
