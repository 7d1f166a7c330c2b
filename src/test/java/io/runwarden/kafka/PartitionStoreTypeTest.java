package io.runwarden.kafka;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.StateStoreProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionStoreTypeTest {
    private final PartitionStoreType<String, String> type = new PartitionStoreType<>();

    @Test
    void thePartitionsStoreIsFoundOnceAndReadDirectly() {
        ReadOnlyKeyValueStore<String, String> store = store();
        List<String> asked = new ArrayList<>();
        ReadOnlyKeyValueStore<String, String> found = type.create(provider(asked, List.of(store)), "runs");
        found.get("a");
        found.get("b");
        assertThat(found).isSameAs(store);
        assertThat(asked).as("found once, not at every read").containsExactly("runs");
    }

    @Test
    void aPartitionHeldNowhereOrTwiceIsAStoreThatMayHaveMoved() {
        assertThatThrownBy(() -> type.create(provider(new ArrayList<>(), List.of()), "runs"))
                .isInstanceOf(InvalidStateStoreException.class).hasMessageContaining("found 0 times");
        assertThatThrownBy(() -> type.create(provider(new ArrayList<>(), List.of(store(), store())), "runs"))
                .isInstanceOf(InvalidStateStoreException.class).hasMessageContaining("found 2 times");
    }

    @Test
    void onlyPlainKeyValueStoresAreAcceptedForStreamsWouldHandATimestampedOneOverUnwrapped() {
        assertThat(type.accepts(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("plain"),
                Serdes.String(), Serdes.String()).build())).isTrue();
        assertThat(type.accepts(Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore("stamped"),
                Serdes.String(), Serdes.String()).build())).isFalse();
        assertThat(type.accepts(Stores.versionedKeyValueStoreBuilder(Stores.persistentVersionedKeyValueStore("versioned",
                Duration.ofHours(1)), Serdes.String(), Serdes.String()).build())).isFalse();
    }

    @Test
    void streamsThatStoppedAnswerAsAStoreThatMovedNotAsAnError(@TempDir Path dir) {
        KafkaStreams streams = StoppedStreams.create(dir);
        // Kafka Streams itself throws IllegalStateException here, which the API would answer with 500
        assertThatThrownBy(() -> PartitionStoreType.find(streams, "runs", 0))
                .isInstanceOf(InvalidStateStoreException.class).hasMessageContaining("runs");
    }

    @SuppressWarnings("unchecked")
    private static StateStoreProvider provider(List<String> asked, List<ReadOnlyKeyValueStore<String, String>> stores) {
        return new StateStoreProvider() {
            @Override
            public <T> List<T> stores(String storeName, org.apache.kafka.streams.state.QueryableStoreType<T> type) {
                asked.add(storeName);
                return (List<T>) stores;
            }
        };
    }

    private static ReadOnlyKeyValueStore<String, String> store() {
        return new ReadOnlyKeyValueStore<>() {
            @Override
            public String get(String key) {
                return key;
            }

            @Override
            public org.apache.kafka.streams.state.KeyValueIterator<String, String> range(String from, String to) {
                throw new UnsupportedOperationException();
            }

            @Override
            public org.apache.kafka.streams.state.KeyValueIterator<String, String> all() {
                throw new UnsupportedOperationException();
            }

            @Override
            public long approximateNumEntries() {
                return 0;
            }
        };
    }
}
