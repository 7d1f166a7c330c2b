package io.runwarden.schedule;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** Stores for a check's parts tested on their own, outside a topology: in memory, not changelogged. */
final class InMemoryStores {
    private InMemoryStores() {
    }

    static <V> KeyValueStore<String, V> of(String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(new MockProcessorContext<String, Object>().getStateStoreContext(), store);
        return store;
    }
}
