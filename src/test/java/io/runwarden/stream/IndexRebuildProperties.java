package io.runwarden.stream;

import io.runwarden.model.Json;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.EventType;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptStats;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rebuild in small batches, with events applied between them as the task goes on processing, ends with exactly
 * the indexes (and per-script stats) that one rebuild in one go from the final runs would give.
 */
class IndexRebuildProperties {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final EventType[] TYPES = EventType.values();

    @Property(tries = 60)
    void batchesInterleavedWithEventsGiveTheIndexesOfAWholeRebuild(@ForAll long seed,
                                                                   @ForAll @IntRange(min = 0, max = 300) int runsBefore,
                                                                   @ForAll @IntRange(min = 1, max = 50) int batch) {
        Random random = new Random(seed);
        MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        KeyValueStore<String, RunRecord> runs = store(context, "runs-" + seed, Json.serde(RunRecord.class));
        KeyValueStore<String, String> indexStore = store(context, "indexes-" + seed, Serdes.String());
        KeyValueStore<String, String> generations = store(context, "generation-" + seed, Serdes.String());
        RunTransitions transitions = new RunTransitions(Duration.ofDays(3), script -> null);
        // runs restored from a changelog, and indexes left from another time: stale, partly wrong
        RunIndexes stale = new RunIndexes(indexStore);
        for (int i = 0; i < runsBefore; i++) {
            RunRecord run = transitions.apply(runs.get(runId(random)), event(random));
            runs.put(run.runId(), run);
            if (random.nextInt(3) == 0) {
                stale.update(null, run);
            }
        }
        indexStore.put("c|ghost", "{\"scriptName\":\"ghost\",\"inProgress\":7}");
        indexStore.put("t|0000000000000000001:ghost", "ghost");

        RunIndexes indexes = new RunIndexes(indexStore);
        IndexRebuild rebuild = IndexRebuild.start(runs, indexStore, indexes,
                new IndexGeneration(generations, indexStore), batch);
        RunLedger ledger = new RunLedger(runs, indexes, rebuild, transitions, new Emitter(context));
        assertThat(IndexGeneration.rebuilding(indexStore)).isTrue();
        while (!rebuild.complete()) {
            if (random.nextBoolean()) {
                rebuild.batch();
            } else {
                ledger.apply(event(random), 0);
            }
        }
        for (int i = 0; i < 20; i++) {
            ledger.apply(event(random), 0);
        }

        assertThat(IndexGeneration.rebuilding(indexStore)).isFalse();
        KeyValueStore<String, String> expected = store(context, "expected-" + seed, Serdes.String());
        RunIndexes whole = new RunIndexes(expected);
        try (KeyValueIterator<String, RunRecord> it = runs.all()) {
            it.forEachRemaining(kv -> whole.update(null, kv.value));
        }
        assertThat(entries(indexStore)).isEqualTo(entries(expected));
    }

    private static LifecycleEvent event(Random random) {
        EventType type = TYPES[random.nextInt(TYPES.length)];
        Instant time = T0.plus(Duration.ofMinutes(random.nextInt(10_000)));
        String script = "script-" + random.nextInt(5);
        return new LifecycleEvent(runId(random), script, type, time, null, null);
    }

    /** A few ids, of other widths and beyond ASCII, so that events often meet runs and cursors compare bytes. */
    private static String runId(Random random) {
        String[] shapes = {"r", "run-", "é", "\uD83D\uDE00", "z"};
        return shapes[random.nextInt(shapes.length)] + random.nextInt(60);
    }

    /**
     * Every entry but the generation's, which is a fresh id each time. A script's latest run is left out of its stats:
     * kept incrementally, it stays the latest when its listing time moves back (a start that arrives after a
     * heartbeat), while a whole rebuild picks the newest; that is the stats' own way, with or without a rebuild.
     */
    private static Map<String, String> entries(KeyValueStore<String, String> store) {
        Map<String, String> entries = new TreeMap<>();
        try (KeyValueIterator<String, String> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                if (kv.key.startsWith("c|")) {
                    ScriptStats stats = Json.read(kv.value, ScriptStats.class);
                    entries.put(kv.key, Json.string(stats.withLatestRun(null)));
                } else if (!kv.key.startsWith("g|")) {
                    entries.put(kv.key, kv.value);
                }
            }
        }
        return entries;
    }

    private static <V> KeyValueStore<String, V> store(MockProcessorContext<String, Object> context, String name,
                                                      org.apache.kafka.common.serialization.Serde<V> values) {
        KeyValueStore<String, V> store = org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
