package io.runwarden.runs;

import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Indexes of an earlier form, or touched by an earlier release since (a rolling upgrade, a rollback), are rebuilt, and a
 * rebuild leaves an earlier release nothing to take for current: it would read this form's stats as its own.
 */
class IndexGenerationTest {
    private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    private final KeyValueStore<String, RunRecord> runs = store("runs", Json.serde(RunRecord.class));
    private final KeyValueStore<String, String> indexes = store("indexes", Serdes.String());
    private final KeyValueStore<String, String> generations = store("generations", Serdes.String());

    @Test
    void indexesAnEarlierReleaseBuiltAreRebuiltAndLeftUnusableToIt() {
        runs.put("r1", RunRecord.builder("r1").scriptName("backup").status(RunStatus.SUCCESS)
                .startTime(Instant.parse("2026-11-30T10:00:00Z")).endTime(Instant.parse("2026-11-30T10:05:00Z")).build());
        // what the previous release left: its generation, logged and local, equal
        generations.put("generation-3", "old");
        indexes.put("g|generation-3", "old");

        RunIndexes upgraded = RunIndexes.open(runs, indexes, generations, false);
        assertThat(upgraded.complete()).isFalse();
        assertThat(upgraded.rebuildStep(Duration.ofSeconds(5))).isTrue();

        assertThat(generations.get("generation-3")).as("the previous release finds no generation, and rebuilds").isNull();
        assertThat(indexes.get("g|generation-3")).isNull();
        assertThat(RunIndexes.open(runs, indexes, generations, false).complete()).as("this release's own, current").isTrue();
    }

    @Test
    void aPartitionAnEarlierReleaseProcessedSinceIsRebuilt() {
        RunIndexes.open(runs, indexes, generations, false).rebuildStep(Duration.ofSeconds(5));
        assertThat(RunIndexes.open(runs, indexes, generations, false).complete()).isTrue();

        generations.put("generation-3", "written by an earlier release that rebuilt its own indexes here");

        RunIndexes reopened = RunIndexes.open(runs, indexes, generations, false);
        assertThat(reopened.complete()).isFalse();
        reopened.rebuildStep(Duration.ofSeconds(5));
        assertThat(RunIndexes.open(runs, indexes, generations, false).complete()).isTrue();
    }

    /**
     * An earlier release in the middle of its own rebuild wrote runs, and no generation at all: only the records it
     * left in the runs' changelog, restored here, say it was there.
     */
    @Test
    void indexesWhoseRunsTookRecordsFromTheirChangelogSinceAreRebuiltWhateverTheGeneration() {
        RunIndexes.open(runs, indexes, generations, false).rebuildStep(Duration.ofSeconds(5));
        runs.put("r2", RunRecord.builder("r2").scriptName("backup").status(RunStatus.IN_PROGRESS)
                .startTime(Instant.parse("2026-11-30T10:00:00Z")).deadline(Instant.parse("2026-12-03T10:00:00Z")).build());

        RunIndexes restored = RunIndexes.open(runs, indexes, generations, true);

        assertThat(restored.complete()).isFalse();
        assertThat(restored.rebuildStep(Duration.ofSeconds(5))).isTrue();
        assertThat(restored.due(Instant.parse("2026-12-04T00:00:00Z"), 10).runs()).extracting(RunRecord::runId)
                .as("the restored run, indexed").containsExactly("r2");
    }

    @Test
    void anInstanceThatGetsThePartitionBackWhileAnotherRebuildsItRebuildsToo() {
        RunIndexes.open(runs, indexes, generations, false).rebuildStep(Duration.ofSeconds(5));

        RunIndexes moved = RunIndexes.open(runs, store("indexes-elsewhere", Serdes.String()), generations, 1);

        assertThat(moved.rebuildStep(Duration.ZERO)).as("the other instance rebuilds, applying events meanwhile").isFalse();
        assertThat(RunIndexes.open(runs, indexes, generations, false).complete())
                .as("indexes built before that rebuild began miss what it applies").isFalse();
    }

    @Test
    void anEarlierReleaseThatGetsThePartitionBackMidRebuildRebuildsToo() {
        generations.put("generation-3", "an earlier release's, equal to its own local copy");
        indexes.put("g|generation-3", generations.get("generation-3"));

        RunIndexes upgrading = RunIndexes.open(runs, store("indexes-elsewhere", Serdes.String()), generations, 1);
        assertThat(generations.get("generation-3")).as("opened in a task's init: nothing written to Kafka there").isNotNull();
        assertThat(upgrading.rebuildStep(Duration.ZERO)).isFalse();

        assertThat(generations.get("generation-3")).as("gone at the first step, long before the last").isNull();
    }

    @Test
    void aRunChangedBeforeTheRebuildsFirstStepMakesOthersRebuildToo() {
        RunIndexes.open(runs, indexes, generations, false).rebuildStep(Duration.ofSeconds(5));
        RunIndexes moved = RunIndexes.open(runs, store("indexes-elsewhere", Serdes.String()), generations, 1);
        RunRecord run = RunRecord.builder("r2").scriptName("backup").status(RunStatus.IN_PROGRESS)
                .startTime(Instant.parse("2026-11-30T11:00:00Z")).build();

        runs.put("r2", run);
        moved.changed(null, run);

        assertThat(RunIndexes.open(runs, indexes, generations, false).complete()).as("these indexes miss r2").isFalse();
    }

    private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
