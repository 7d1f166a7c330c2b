package io.runwarden.runs;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Writes gathered into one go land as if written one by one, though they go in key order. */
class IndexWritesTest {
    private final KeyValueStore<String, String> store = store();
    private final IndexWrites writes = new IndexWrites(store);

    @Test
    void laterWritesOfOneKeyWinAmongOthersSortedAroundThem() {
        writes.gathered(() -> {
            writes.put("z", "first");
            writes.put("b", "kept");
            writes.put("z", "second");
            writes.put("a", "gone");
            writes.delete("a");
            writes.delete("m");
            writes.put("m", "back");
        });

        assertThat(store.get("z")).isEqualTo("second");
        assertThat(store.get("b")).isEqualTo("kept");
        assertThat(store.get("a")).isNull();
        assertThat(store.get("m")).isEqualTo("back");
    }

    @Test
    void aReadInsideTheGatheringSeesWhatWasGatheredBeforeIt() {
        writes.gathered(() -> {
            writes.put("k", "v");
            assertThat(writes.get("k")).isEqualTo("v");
            writes.delete("k");
        });

        assertThat(store.get("k")).isNull();
    }

    private static KeyValueStore<String, String> store() {
        MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("indexes"),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
