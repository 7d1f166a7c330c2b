package io.runwarden.kafka;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeldStoresTest {
    private final MockProcessorContext<String, String> context = new MockProcessorContext<>();
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.RUNNING);
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong restores = new AtomicLong();
    /** The stores Streams would hand out, one per find, and the finds asked for. */
    private final Deque<KeyValueStore<String, String>> tasks = new ArrayDeque<>();
    private final List<String> finds = new ArrayList<>();
    private final HeldStores held = new HeldStores(state::get, (name, partition) -> {
        finds.add(name + "-" + partition);
        KeyValueStore<String, String> store = tasks.poll();
        if (store == null) {
            throw new InvalidStateStoreException("no task holds " + name + " " + partition);
        }
        return store;
    }, restores::get, nanos::get);

    @Test
    void aStoreIsFoundOnceAndReadAgainWhileItsTaskKeepsItOpen() {
        KeyValueStore<String, String> task = openStore("a");
        tasks.add(task);

        ReadOnlyKeyValueStore<String, String> first = held.store("runs", 0);
        nanos.addAndGet(HeldStores.KEPT.toNanos() - 1);
        ReadOnlyKeyValueStore<String, String> again = held.store("runs", 0);

        assertThat(again).isSameAs(first).isSameAs(task);
        assertThat(again.get("k")).isEqualTo("a");
        assertThat(finds).containsExactly("runs-0");
    }

    @Test
    void eachPartitionAndStoreIsFoundOnItsOwn() {
        tasks.addAll(List.of(openStore("runs 0"), openStore("runs 1"), openStore("indexes 0")));
        assertThat(held.<String>store("runs", 0).get("k")).isEqualTo("runs 0");
        assertThat(held.<String>store("runs", 1).get("k")).isEqualTo("runs 1");
        assertThat(held.<String>store("indexes", 0).get("k")).isEqualTo("indexes 0");
        assertThat(held.<String>store("runs", 0).get("k")).isEqualTo("runs 0");
        assertThat(finds).containsExactly("runs-0", "runs-1", "indexes-0");
    }

    @Test
    void aStoreItsTaskClosedIsFoundAgainInTheTaskThatHoldsThePartitionNow() {
        KeyValueStore<String, String> before = openStore("before");
        tasks.add(before);
        held.store("runs", 0);
        before.close(); // the task left this thread

        KeyValueStore<String, String> after = openStore("after");
        tasks.add(after);
        assertThat(held.<String>store("runs", 0).get("k")).isEqualTo("after");

        after.close(); // and this instance: no task holds it here
        assertThatThrownBy(() -> held.store("runs", 0)).isInstanceOf(InvalidStateStoreException.class);
    }

    @Test
    void anOpenStoreIsFoundAgainAfterASecondForItsTaskMayBeRestoringIntoIt() {
        tasks.add(openStore("a"));
        held.store("runs", 0);
        nanos.addAndGet(HeldStores.KEPT.toNanos());

        assertThatThrownBy(() -> held.store("runs", 0)).as("Streams would not hand it out now")
                .isInstanceOf(InvalidStateStoreException.class);
        assertThat(finds).containsExactly("runs-0", "runs-0");
    }

    @Test
    void anOpenStoreIsFoundAgainOnceARestoreStarts() {
        tasks.add(openStore("a"));
        held.store("runs", 0);
        restores.incrementAndGet(); // the task was found corrupt: revived, it restores into the same store

        assertThatThrownBy(() -> held.store("runs", 0)).as("Streams hands out no restoring store")
                .isInstanceOf(InvalidStateStoreException.class);
        KeyValueStore<String, String> restored = openStore("restored");
        tasks.add(restored);
        assertThat(held.<String>store("runs", 0)).isSameAs(restored);
        assertThat(held.<String>store("runs", 0)).isSameAs(restored);
        assertThat(finds).containsExactly("runs-0", "runs-0", "runs-0");
    }

    @Test
    void storesAreNotReadWhileTheStreamsAreNotRunning() {
        tasks.add(openStore("a"));
        held.store("runs", 0);
        for (KafkaStreams.State other : List.of(KafkaStreams.State.REBALANCING, KafkaStreams.State.PENDING_SHUTDOWN,
                KafkaStreams.State.ERROR)) {
            state.set(other);
            assertThatThrownBy(() -> held.store("runs", 0)).isInstanceOf(InvalidStateStoreException.class)
                    .hasMessageContaining(other.name());
        }
        state.set(KafkaStreams.State.RUNNING);
        assertThat(held.<String>store("runs", 0).get("k")).isEqualTo("a");
    }

    private KeyValueStore<String, String> openStore(String value) {
        KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s-" + System.nanoTime()),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        store.put("k", value);
        return store;
    }
}
