package io.runwarden.runs;

import io.runwarden.model.FailureReason;
import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.ScriptStats;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The indexes kept step by step, through any sequence of changes and removals of runs, hold exactly what one rebuild
 * from the final runs gives: every listing, the deadlines, the finished runs, and each script's counts, latest run and
 * oldest open run. Runs change here in any way a run can (the transitions only ever take a subset of these steps),
 * so the incremental bookkeeping is held to the rebuild, its specification.
 */
class RunIndexesProperties {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final RunStatus[] STATUSES = RunStatus.values();

    /** With the parsed stats kept for every script or, to hold its evictions to the same, for one to three. */
    @Property(tries = 200)
    void indexesAfterAnySequenceOfChangesEqualARebuildFromTheRuns(@ForAll long seed,
                                                                 @ForAll @IntRange(min = 1, max = 400) int steps,
                                                                 @ForAll @IntRange(min = 1, max = 4) int cachedScripts) {
        Random random = new Random(seed);
        MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        KeyValueStore<String, RunRecord> runs = store(context, "runs", Json.serde(RunRecord.class));
        KeyValueStore<String, String> indexStore = store(context, "indexes", Serdes.String());
        RunIndexes indexes = new RunIndexes(runs, indexStore, cachedScripts == 4 ? RunIndexes.CACHED_SCRIPTS : cachedScripts);

        for (int i = 0; i < steps; i++) {
            randomStep(random, runs, indexes);
        }

        assertThat(entries(indexStore)).isEqualTo(entries(rebuilt(context, runs)));
    }

    /** The dashboard keeps the stats it merged while their version stands: any change of a script's stats moves it. */
    @Property(tries = 100)
    void anyChangeOfAScriptsStatsMovesTheStatsVersion(@ForAll long seed, @ForAll @IntRange(min = 1, max = 200) int steps) {
        Random random = new Random(seed);
        MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        KeyValueStore<String, RunRecord> runs = store(context, "runs", Json.serde(RunRecord.class));
        KeyValueStore<String, String> indexStore = store(context, "indexes", Serdes.String());
        RunIndexes indexes = new RunIndexes(runs, indexStore);

        for (int i = 0; i < steps; i++) {
            Map<String, String> statsBefore = stats(indexStore);
            Object versionBefore = StatsVersion.of(indexStore);
            randomStep(random, runs, indexes);
            if (!stats(indexStore).equals(statsBefore)) {
                assertThat(StatsVersion.of(indexStore)).as("the version after step %d", i).isNotEqualTo(versionBefore);
            }
        }
    }

    /**
     * Whether a start of a script lies in a slot's window, as a missed-start check asks: the same as reading every
     * run, whatever the script's stats kept of its latest start (to the millisecond) after any changes and removals.
     */
    @Property(tries = 100)
    void aStartWithinAWindowIsFoundExactlyAsByReadingEveryRun(@ForAll long seed,
                                                             @ForAll @IntRange(min = 1, max = 300) int steps,
                                                             @ForAll @IntRange(min = 1, max = 4) int cachedScripts) {
        Random random = new Random(seed);
        MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        KeyValueStore<String, RunRecord> runs = store(context, "runs", Json.serde(RunRecord.class));
        RunIndexes indexes = new RunIndexes(runs, store(context, "indexes", Serdes.String()),
                cachedScripts == 4 ? RunIndexes.CACHED_SCRIPTS : cachedScripts);
        for (int i = 0; i < steps + 50; i++) {
            if (i < steps) {
                randomStep(random, runs, indexes); // asked between changes too: what it kept must follow them
            }
            String script = "script-" + random.nextInt(6);
            Instant from = time(random);
            Instant to = from.plus(Duration.ofMinutes(random.nextInt(30)));
            boolean expected = false;
            try (KeyValueIterator<String, RunRecord> it = runs.all()) {
                while (it.hasNext()) {
                    RunRecord run = it.next().value;
                    expected |= script.equals(run.scriptName()) && ScriptStats.isStart(run)
                            && !run.startTime().isBefore(from) && !run.startTime().isAfter(to);
                }
            }
            assertThat(indexes.startedWithin(script, from, to)).as("%s from %s to %s", script, from, to)
                    .isEqualTo(expected);
        }
    }

    /** One run changed in any way a run can, or one in eight times removed when it exists. */
    private static void randomStep(Random random, KeyValueStore<String, RunRecord> runs, RunIndexes indexes) {
        String runId = runId(random);
        RunRecord before = runs.get(runId);
        if (before != null && random.nextInt(8) == 0) {
            runs.delete(runId);
            indexes.removed(before);
        } else {
            RunRecord after = change(random, runId, before);
            runs.put(runId, after);
            indexes.changed(before, after);
        }
    }

    private static Map<String, String> stats(KeyValueStore<String, String> store) {
        Map<String, String> stats = new TreeMap<>();
        entries(store).forEach((key, value) -> {
            if (key.startsWith("c|")) {
                stats.put(key, value);
            }
        });
        return stats;
    }

    @Property(tries = 60)
    void aRebuildInBatchesBetweenChangesEndsWithTheIndexesOfAWholeRebuild(@ForAll long seed,
                                                                        @ForAll @IntRange(min = 0, max = 300) int runsBefore,
                                                                        @ForAll @IntRange(min = 1, max = 50) int batch,
                                                                        @ForAll @IntRange(min = 1, max = 4) int cachedScripts) {
        Random random = new Random(seed);
        MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        KeyValueStore<String, RunRecord> runs = store(context, "runs", Json.serde(RunRecord.class));
        KeyValueStore<String, String> indexStore = store(context, "indexes", Serdes.String());
        KeyValueStore<String, String> generations = store(context, "generations", Serdes.String());
        // runs restored from a changelog, and indexes left from another time: stale, partly wrong
        RunIndexes stale = new RunIndexes(runs, indexStore);
        for (int i = 0; i < runsBefore; i++) {
            String runId = runId(random);
            RunRecord run = change(random, runId, runs.get(runId));
            runs.put(runId, run);
            if (random.nextInt(3) == 0) {
                stale.update(null, run, null);
            }
        }
        indexStore.put("c|ghost", "7|0|0|||0|ghost-run");
        indexStore.put("t|0000000000000000001:ghost", "ghost");

        RunIndexes indexes = RunIndexes.open(runs, indexStore, generations, false, batch,
                cachedScripts == 4 ? RunIndexes.CACHED_SCRIPTS : cachedScripts);
        assertThat(IndexGeneration.rebuilding(indexStore)).isTrue();
        assertThat(indexes.complete()).isFalse();
        while (!indexes.complete()) {
            if (random.nextBoolean()) {
                indexes.rebuildStep(Duration.ZERO);
            } else {
                String runId = runId(random);
                RunRecord before = runs.get(runId);
                RunRecord after = change(random, runId, before);
                runs.put(runId, after);
                indexes.changed(before, after);
            }
        }
        for (int i = 0; i < 20; i++) {
            String runId = runId(random);
            RunRecord before = runs.get(runId);
            RunRecord after = change(random, runId, before);
            runs.put(runId, after);
            indexes.changed(before, after);
        }

        assertThat(IndexGeneration.rebuilding(indexStore)).isFalse();
        RunIndexes reopened = RunIndexes.open(runs, indexStore, generations, false);
        assertThat(reopened.complete()).as("the indexes' generation is current: a reopening rebuilds nothing").isTrue();
        assertThat(reopened.rebuildStep(Duration.ZERO)).isTrue();
        assertThat(entries(indexStore)).isEqualTo(entries(rebuilt(context, runs)));
    }

    /**
     * Any next state of a run: a status, times that may be missing, a deadline while in progress. A script name is
     * only ever filled in, never changed, as the transitions keep it.
     */
    private static RunRecord change(Random random, String runId, RunRecord before) {
        String script = before != null && before.scriptName() != null ? before.scriptName()
                : random.nextInt(4) == 0 ? null : "script-" + random.nextInt(5);
        RunStatus status = STATUSES[random.nextInt(STATUSES.length)];
        boolean open = status == RunStatus.IN_PROGRESS;
        Instant start = random.nextInt(5) == 0 ? null : time(random);
        Instant heartbeat = random.nextInt(2) == 0 ? null : time(random);
        Instant end = open || random.nextInt(6) == 0 ? null : time(random);
        Instant deadline = open && random.nextInt(6) > 0 ? time(random).plus(Duration.ofDays(3)) : null;
        FailureReason reason = status == RunStatus.FAILED ? FailureReason.values()[random.nextInt(2)] : null;
        return new RunRecord(runId, script, status, start, end, "m" + random.nextInt(3), reason, deadline, heartbeat,
                null, null, null);
    }

    /**
     * Often the same millisecond, so that ties are broken by runId as the listings do; sometimes with microseconds,
     * as events carry them, which a run keeps in memory but not in its stored JSON.
     */
    private static Instant time(Random random) {
        Instant minute = T0.plus(Duration.ofMinutes(random.nextInt(200)));
        return random.nextInt(3) == 0 ? minute.plusNanos(random.nextInt(1_000) * 1_000L) : minute;
    }

    /** A few ids, of other widths and beyond ASCII, so that changes often meet runs and cursors compare bytes. */
    private static String runId(Random random) {
        String[] shapes = {"r", "run-", "é", "\uD83D\uDE00", "z"};
        return shapes[random.nextInt(shapes.length)] + random.nextInt(30);
    }

    private static KeyValueStore<String, String> rebuilt(MockProcessorContext<String, Object> context,
                                                         KeyValueStore<String, RunRecord> runs) {
        KeyValueStore<String, String> expected = store(context, "expected", Serdes.String());
        RunIndexes whole = new RunIndexes(runs, expected);
        try (KeyValueIterator<String, RunRecord> it = runs.all()) {
            it.forEachRemaining(kv -> whole.update(null, kv.value, null));
        }
        return expected;
    }

    /** Every entry but the generation's, which is a fresh id at each rebuild. */
    private static Map<String, String> entries(KeyValueStore<String, String> store) {
        Map<String, String> entries = new TreeMap<>();
        try (KeyValueIterator<String, String> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                if (!kv.key.startsWith("g|")) {
                    entries.put(kv.key, kv.value);
                }
            }
        }
        return entries;
    }

    private static <V> KeyValueStore<String, V> store(MockProcessorContext<String, Object> context, String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name + "-" + System.nanoTime()),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
