package io.runwarden.stream;

import io.runwarden.kafka.StoreNames;
import io.runwarden.runs.IndexContents;

import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.ScriptStats;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.runwarden.stream.TopologyFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** Finished runs past the retention period disappear everywhere; nothing else does. */
class RetentionTest {
    private static Instant daysAgo(int days) {
        return NOW.minus(Duration.ofDays(days));
    }

    @Test
    void finishedRunsOlderThanRetentionAreRemovedWithTheirIndexesAndCounts() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("ancient", "old", daysAgo(200));
            fixture.ended("ancient", "succeeded", daysAgo(100), "ok");
            fixture.started("kept", "mixed", daysAgo(15));
            fixture.ended("kept", "failed", daysAgo(10), "boom");
            fixture.started("expired", "mixed", daysAgo(120));
            fixture.ended("expired", "succeeded", daysAgo(95), "ok");
            fixture.started("forever-open", "mixed", daysAgo(300));
            // latest by start but ended long ago: removing it must hand "latest" to the next run
            fixture.started("long-runner", "flip", daysAgo(200));
            fixture.ended("long-runner", "succeeded", daysAgo(1), "done at last");
            fixture.started("short-old", "flip", daysAgo(95));
            fixture.ended("short-old", "succeeded", daysAgo(91), "ok");
            fixture.runs.readKeyValuesToList();

            fixture.driver.advanceWallClockTime(ScriptEventProcessor.RETENTION_TICK);

            List<KeyValue<String, byte[]>> published = fixture.runs.readKeyValuesToList();
            assertThat(published).allMatch(kv -> kv.value == null).extracting(kv -> kv.key)
                    .containsExactlyInAnyOrder("ancient", "expired", "short-old");
            for (String gone : List.of("ancient", "expired", "short-old")) {
                assertThat(fixture.run(gone)).isNull();
            }
            assertThat(fixture.run("kept").status()).isEqualTo(RunStatus.FAILED);
            assertThat(fixture.run("forever-open").status()).isEqualTo(RunStatus.IN_PROGRESS);
            assertThat(indexes(fixture).byTime()).containsExactlyInAnyOrder("kept", "forever-open", "long-runner");
            assertThat(indexes(fixture).byScript()).containsExactlyInAnyOrder("kept", "forever-open", "long-runner");

            IndexContents stats = indexes(fixture);
            KeyValueStore<String, RunRecord> runs = fixture.driver.getKeyValueStore(StoreNames.RUNS);
            assertThat(stats.stats("old", runs)).as("a script with no run left leaves the dashboard").isNull();
            ScriptStats mixed = stats.stats("mixed", runs);
            assertThat(List.of(mixed.inProgress(), mixed.success(), mixed.failed())).containsExactly(1L, 0L, 1L);
            assertThat(mixed.latestRun().runId()).isEqualTo("kept");
            ScriptStats flip = stats.stats("flip", runs);
            assertThat(flip.latestRun().runId()).isEqualTo("long-runner");
            assertThat(flip.success()).isEqualTo(1);

            fixture.driver.advanceWallClockTime(ScriptEventProcessor.RETENTION_TICK);
            assertThat(fixture.runs.isEmpty()).as("nothing more to remove").isTrue();
        }
    }

    @Test
    void eachTickRemovesABoundedChunkAndTheNextTicksTheRest() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            int expired = ScriptEventProcessor.RETENTION_CHUNK + 200;
            for (int i = 0; i < expired; i++) {
                fixture.ended("old-" + i, "succeeded", daysAgo(91).minusSeconds(i), "ok");
            }
            fixture.runs.readKeyValuesToList();

            fixture.driver.advanceWallClockTime(ScriptEventProcessor.RETENTION_TICK);
            assertThat(fixture.runs.readKeyValuesToList()).hasSize(ScriptEventProcessor.RETENTION_CHUNK);
            fixture.driver.advanceWallClockTime(ScriptEventProcessor.RETENTION_TICK);
            assertThat(fixture.runs.readKeyValuesToList()).hasSize(200);
            assertThat(indexes(fixture).finished()).isEmpty();
        }
    }

    private static IndexContents indexes(TopologyFixture fixture) {
        return new IndexContents(fixture.driver.getKeyValueStore(StoreNames.INDEXES));
    }
}
