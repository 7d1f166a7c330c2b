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

    /** A run's end, reported when it happened: the wall clock moves on to it first. */
    private static void endedThen(TopologyFixture fixture, String runId, String event, Instant time, String message) {
        fixture.advanceTo(time, Duration.ofDays(1));
        fixture.ended(runId, event, time, message);
    }

    @Test
    void finishedRunsOlderThanRetentionAreRemovedWithTheirIndexesAndCounts() {
        try (TopologyFixture fixture = new TopologyFixture(Duration.ofDays(3), daysAgo(201))) {
            fixture.started("ancient", "old", daysAgo(200));
            fixture.started("kept", "mixed", daysAgo(15));
            fixture.started("expired", "mixed", daysAgo(120));
            fixture.started("forever-open", "mixed", daysAgo(300));
            // latest by start but ended long ago: removing it must hand "latest" to the next run
            fixture.started("long-runner", "flip", daysAgo(200));
            fixture.started("short-old", "flip", daysAgo(95));
            endedThen(fixture, "ancient", "succeeded", daysAgo(100), "ok");
            endedThen(fixture, "expired", "succeeded", daysAgo(95), "ok");
            endedThen(fixture, "short-old", "succeeded", daysAgo(91), "ok");
            endedThen(fixture, "kept", "failed", daysAgo(10), "boom");
            endedThen(fixture, "long-runner", "succeeded", daysAgo(1), "done at last");

            fixture.advanceTo(NOW, Duration.ofDays(1));
            fixture.driver.advanceWallClockTime(ScriptEventProcessor.RETENTION_TICK);

            List<KeyValue<String, byte[]>> published = fixture.runs.readKeyValuesToList();
            assertThat(published).filteredOn(kv -> kv.value == null).extracting(kv -> kv.key)
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
        try (TopologyFixture fixture = new TopologyFixture(Duration.ofDays(3), daysAgo(92))) {
            int expired = ScriptEventProcessor.RETENTION_CHUNK + 200;
            for (int i = 0; i < expired; i++) {
                fixture.ended("old-" + i, "succeeded", daysAgo(92).minusSeconds(i), "ok");
            }
            fixture.runs.readKeyValuesToList();

            fixture.driver.advanceWallClockTime(Duration.ofDays(92));
            assertThat(fixture.runs.readKeyValuesToList()).hasSize(ScriptEventProcessor.RETENTION_CHUNK);
            fixture.driver.advanceWallClockTime(ScriptEventProcessor.RETENTION_TICK);
            assertThat(fixture.runs.readKeyValuesToList()).hasSize(200);
            assertThat(indexes(fixture).finished()).isEmpty();
        }
    }

    @Test
    void aRunReportedWithOldTimesIsKeptItsRetentionFromWhenItsEndWasRecorded() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("backfilled", "import", daysAgo(200));
            fixture.ended("backfilled", "succeeded", daysAgo(150), "ok"); // reaches runwarden now
            fixture.runs.readKeyValuesToList();

            fixture.driver.advanceWallClockTime(ScriptEventProcessor.RETENTION_TICK);
            assertThat(fixture.runs.readKeyValuesToList()).as("nothing removed").isEmpty();
            assertThat(fixture.run("backfilled").status()).isEqualTo(RunStatus.SUCCESS);
            assertThat(fixture.run("backfilled").endRecorded()).isAfterOrEqualTo(NOW);

            fixture.started("backfilled", "import", daysAgo(200)); // a duplicate start, a day later
            assertThat(fixture.run("backfilled").status()).as("not reopened").isEqualTo(RunStatus.SUCCESS);
            fixture.runs.readKeyValuesToList();

            fixture.driver.advanceWallClockTime(Duration.ofDays(90));
            assertThat(fixture.runs.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("backfilled", null));
            assertThat(fixture.run("backfilled")).isNull();
        }
    }

    @Test
    void anOldFailureThatCameBeforeItsStartStillAlertsWhenTheStartComes() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.ended("early", "failed", daysAgo(120), "boom");
            fixture.driver.advanceWallClockTime(ScriptEventProcessor.RETENTION_TICK);
            fixture.started("early", "nightly", daysAgo(121));

            assertThat(fixture.run("early").status()).isEqualTo(RunStatus.FAILED);
            assertThat(fixture.publishedAlerts()).extracting(alert -> alert.alertId()).containsExactly("failed:early");
        }
    }

    @Test
    void whenTheEndWasRecordedStaysInTheStoreAndOffScriptRuns() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("r", "s", daysAgo(2));
            fixture.ended("r", "succeeded", daysAgo(1), "ok");

            assertThat(fixture.run("r").endRecorded()).isAfterOrEqualTo(NOW);
            List<KeyValue<String, byte[]>> published = fixture.runs.readKeyValuesToList();
            assertThat(new String(published.get(published.size() - 1).value, java.nio.charset.StandardCharsets.UTF_8))
                    .as("the contract's run JSON").contains("\"endTime\"").doesNotContain("endRecorded");
        }
    }

    /** A record's timestamp is whatever its producer set (a wrong clock, a mirrored backfill): it counts for nothing. */
    @Test
    void anEndIsRecordedWhenItReachesRunwardenWhateverItsRecordsTimestamp() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            for (long timestamp : new long[]{0, daysAgo(150).toEpochMilli(), Long.MAX_VALUE}) {
                String runId = "r" + timestamp;
                fixture.started(runId, "s", daysAgo(200));
                fixture.send(runId, "{\"event\":\"succeeded\",\"time\":\"" + daysAgo(150) + "\"}", Instant.ofEpochMilli(timestamp));
                assertThat(fixture.run(runId).endRecorded()).as("at %d", timestamp).isAfterOrEqualTo(NOW).isBefore(NOW.plusSeconds(60));
            }
            fixture.driver.advanceWallClockTime(ScriptEventProcessor.RETENTION_TICK);
            assertThat(fixture.runs.readKeyValuesToList()).filteredOn(kv -> kv.value == null).as("removed").isEmpty();
        }
    }

    private static IndexContents indexes(TopologyFixture fixture) {
        return new IndexContents(fixture.driver.getKeyValueStore(StoreNames.INDEXES));
    }
}
