package io.runwarden.stream;

import io.runwarden.kafka.StoreNames;
import io.runwarden.kafka.TopicSpec;
import io.runwarden.kafka.Topics;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.Json;
import io.runwarden.model.Trigger;
import io.runwarden.model.RunFailure;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.sweep.SweepContinuation;
import io.runwarden.sweep.SweepPart;
import io.runwarden.sweep.SweepProtocol;
import io.runwarden.sweep.SweepRequest;
import io.runwarden.sweep.SweepResult;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.runwarden.stream.TopologyFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Sweeps: which runs they fail, what they publish, what they answer, and what they cost. */
class SweepTest {
    private static final Instant FOUR_DAYS_AGO = NOW.minus(Duration.ofDays(4));
    private static final Instant TWO_DAYS_AGO = NOW.minus(Duration.ofDays(2));

    @Test
    void sweepFailsOnlyRunsPastTheirDeadlineWithTheOriginalMessage() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("old-1", "synchroFacture", FOUR_DAYS_AGO);
            fixture.started("old-2", "synchroFacture", FOUR_DAYS_AGO.minusSeconds(60));
            fixture.started("old-3", "exportCompta", FOUR_DAYS_AGO);
            fixture.started("recent", "synchroFacture", TWO_DAYS_AGO);
            fixture.started("done", "exportCompta", FOUR_DAYS_AGO);
            fixture.ended("done", "succeeded", FOUR_DAYS_AGO.plusSeconds(600), "ok");
            fixture.publishedRuns();

            SweepResult result = fixture.sweep(NOW);

            assertThat(result.totalLogsUpdated()).isEqualTo(3);
            assertThat(result.scriptsAffected()).isEqualTo(2);
            assertThat(result.scriptNames()).containsExactly("exportCompta", "synchroFacture");
            assertThat(result.thresholdDate()).isEqualTo(NOW.minus(Duration.ofDays(3)));
            assertThat(result.trigger()).isEqualTo(Trigger.MANUAL);
            Map<String, RunRecord> published = fixture.latestRuns();
            for (String runId : List.of("old-1", "old-2", "old-3")) {
                RunRecord run = published.get(runId);
                assertThat(run.status()).isEqualTo(RunStatus.FAILED);
                assertThat(run.endTime()).isEqualTo(NOW);
                assertThat(run.failureReason().wireName()).isEqualTo("timeout");
                assertThat(run.message()).isEqualTo("Script marked as failed - exceeded 3 day timeout");
            }
            assertThat(published).doesNotContainKeys("recent", "done");
            assertThat(fixture.run("recent").status()).isEqualTo(RunStatus.IN_PROGRESS);
            assertThat(fixture.run("done").status()).isEqualTo(RunStatus.SUCCESS);
        }
    }

    @Test
    void eachTimedOutRunYieldsOneFailedEvent() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("old", "synchroFacture", FOUR_DAYS_AGO);
            fixture.started("recent", "synchroFacture", TWO_DAYS_AGO);

            SweepResult first = fixture.sweep(NOW);
            SweepResult second = fixture.sweep(NOW.plusSeconds(60));

            List<RunFailure> failures = fixture.publishedFailures();
            assertThat(failures).hasSize(1);
            RunFailure failure = failures.get(0);
            assertThat(failure.runId()).isEqualTo("old");
            assertThat(failure.scriptName()).isEqualTo("synchroFacture");
            assertThat(failure.event().wireName()).isEqualTo("failed");
            assertThat(failure.reason().wireName()).isEqualTo("timeout");
            assertThat(failure.startTime()).isEqualTo(FOUR_DAYS_AGO);
            assertThat(failure.time()).isEqualTo(NOW);
            assertThat(failure.message()).isEqualTo("Script marked as failed - exceeded 3 day timeout");
            assertThat(failure.sweepId()).isEqualTo(first.sweepId());
            assertThat(failure.trigger().wireName()).isEqualTo("manual");
            assertThat(second.totalLogsUpdated()).isZero();
        }
    }

    @Test
    void configuredThresholdSetsTheDeadlineAndTheWording() {
        try (TopologyFixture fixture = new TopologyFixture(Duration.ofHours(36), NOW)) {
            fixture.started("r1", "s", NOW.minus(Duration.ofHours(37)));
            fixture.started("r2", "s", NOW.minus(Duration.ofHours(35)));

            SweepResult result = fixture.sweep(NOW);

            assertThat(result.totalLogsUpdated()).isEqualTo(1);
            assertThat(result.thresholdDate()).isEqualTo(NOW.minus(Duration.ofHours(36)));
            assertThat(fixture.run("r1").message()).isEqualTo("Script marked as failed - exceeded 36 hour timeout");
            assertThat(fixture.run("r2").status()).isEqualTo(RunStatus.IN_PROGRESS);
        }
    }

    @Test
    void sweepReadsOnlyTheDueRunsNotEveryStoredRun() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            for (int i = 0; i < 2_000; i++) {
                fixture.started("fresh-" + i, "s" + (i % 10), TWO_DAYS_AGO);
            }
            for (int i = 0; i < 500; i++) {
                fixture.started("finished-" + i, "s", FOUR_DAYS_AGO);
                fixture.ended("finished-" + i, "succeeded", FOUR_DAYS_AGO.plusSeconds(1), "ok");
            }
            for (int i = 0; i < 3; i++) {
                fixture.started("stale-" + i, "s", FOUR_DAYS_AGO);
            }

            SweepResult result = fixture.sweep(NOW);

            assertThat(result.totalLogsUpdated()).isEqualTo(3);
            assertThat(result.entriesExamined()).isEqualTo(3);
        }
    }

    @Test
    void strayDeadlineEntriesFailNothingAndHideNoDueRunBehindThem() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            // a full chunk of entries whose runs are gone, due before the one run that is
            KeyValueStore<String, String> indexes = fixture.driver.getKeyValueStore(StoreNames.INDEXES);
            long strayDeadline = NOW.minus(Duration.ofDays(10)).toEpochMilli();
            for (int i = 0; i < SweepProtocol.WRITE_CHUNK; i++) {
                indexes.put(String.format("d|%019d:gone-%04d", strayDeadline, i), String.format("gone-%04d", i));
            }
            fixture.started("old", "synchroFacture", FOUR_DAYS_AGO);

            SweepResult result = fixture.sweep(NOW);

            // a sweep decides from the index alone, which this release writes with the runs and rebuilds from them:
            // entries it did not write are counted, and fail nothing as the runs are written
            assertThat(result.entriesExamined()).isEqualTo(SweepProtocol.WRITE_CHUNK + 1);
            assertThat(fixture.run("old").status()).isEqualTo(RunStatus.FAILED);
            assertThat(fixture.publishedFailures()).extracting(RunFailure::runId).containsExactly("old");
            assertThat(fixture.sweep(NOW.plusSeconds(60)).entriesExamined()).as("the stray entries are gone").isZero();
        }
    }

    @Test
    void everySweepIsRecordedAsARunOfCleanupStaleScripts() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("old", "synchroFacture", FOUR_DAYS_AGO);

            SweepResult result = fixture.sweep(NOW);

            RunRecord audit = fixture.run(result.sweepId());
            assertThat(audit.scriptName()).isEqualTo("cleanupStaleScripts");
            assertThat(audit.status()).isEqualTo(RunStatus.SUCCESS);
            assertThat(audit.startTime()).isEqualTo(NOW);
            assertThat(audit.message()).isEqualTo(
                    "Cleanup completed: 1 stale script run(s) marked as failed across 1 script(s)");
            assertThat(fixture.publishedRuns()).filteredOn(r -> r.runId().equals(result.sweepId()))
                    .extracting(RunRecord::status).containsExactly(RunStatus.IN_PROGRESS, RunStatus.SUCCESS);
        }
    }

    @Test
    void finishedSweepsAreForgottenAfterAWeekWhileTheirAuditRunStays() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("old", "synchroFacture", FOUR_DAYS_AGO);
            SweepResult result = fixture.sweep(NOW);
            assertThat(fixture.sweeps().get(result.sweepId())).isNotNull();

            fixture.driver.advanceWallClockTime(Duration.ofDays(6));
            assertThat(fixture.sweeps().get(result.sweepId())).as("kept for a week").isNotNull();
            fixture.driver.advanceWallClockTime(Duration.ofDays(1).plus(ScriptEventProcessor.SWEEP_PRUNE_TICK));

            assertThat(fixture.sweeps().get(result.sweepId())).isNull();
            assertThat(fixture.run(result.sweepId()).status()).isEqualTo(RunStatus.SUCCESS);
        }
    }

    @Test
    void aSweepOfThousandsOfScriptsWithLongNamesListsWhatFitsAndStaysFarBelowKafkasRecordLimit() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            int scripts = 1_500;
            for (int i = 0; i < scripts; i++) {
                String name = String.format("%04d", i) + "s".repeat(252);
                fixture.started("old-" + i, name, FOUR_DAYS_AGO);
            }

            SweepResult result = fixture.sweep(NOW);

            assertThat(result.totalLogsUpdated()).isEqualTo(scripts);
            assertThat(result.scriptNamesCut()).isTrue();
            assertThat(result.scriptNames()).isNotEmpty().isSorted();
            assertThat(Json.bytes(result.scriptNames()).length).isLessThanOrEqualTo(SweepResult.LISTED_BYTES);
            assertThat(result.scriptsAffected()).isGreaterThanOrEqualTo(result.scriptNames().size());
            // the sweep's own record, the largest it writes (its changelog), with room to spare
            assertThat(io.runwarden.model.Json.bytes(fixture.sweeps().get(result.sweepId())).length).isLessThan(500_000);
        }
    }

    /**
     * Names of 256 characters, nearly all emoji, are 3 KB of JSON each: a part that listed 196,608 characters of them
     * was 1.2 MB, over what script-events takes, and the streams stopped. Names are counted in bytes of JSON.
     */
    @Test
    void aSweepOfScriptsWithLongEmojiNamesWritesNoRecordNearKafkasLimit() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            TestOutputTopic<String, byte[]> written = fixture.driver.createOutputTopic(Topics.SCRIPT_EVENTS,
                    new StringDeserializer(), new ByteArrayDeserializer());
            int scripts = 600;
            for (int i = 0; i < scripts; i++) {
                fixture.started("old-" + i, "\uD83D\uDE00".repeat(253) + String.format("%03d", i), FOUR_DAYS_AGO);
            }
            written.readRecordsToList(); // the starts themselves

            SweepResult result = fixture.sweep(NOW);

            assertThat(result.totalLogsUpdated()).isEqualTo(scripts);
            assertThat(result.scriptNamesCut()).isTrue();
            assertThat(result.scriptNames()).isNotEmpty();
            int limit = Integer.parseInt(TopicSpec.named(Topics.SCRIPT_EVENTS).config().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG));
            assertThat(written.readRecordsToList()).isNotEmpty().allSatisfy(record -> assertThat(
                    record.key().getBytes(StandardCharsets.UTF_8).length + record.value().length)
                    .as("a record on script-events").isLessThan(limit / 3));
            assertThat(Json.bytes(fixture.sweeps().get(result.sweepId())).length).as("the sweep's changelogged progress")
                    .isLessThan(limit / 3);
        }
    }

    @Test
    void aRequestSeenTwiceSweepsOnce() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("old", "s", FOUR_DAYS_AGO);
            SweepRequest request = new SweepRequest("same-id", Trigger.MANUAL, NOW, null);

            fixture.requestSweep(request);
            fixture.requestSweep(request);
            fixture.writeSweeps();

            assertThat(fixture.sweepResult("same-id").totalLogsUpdated()).isEqualTo(1);
            assertThat(fixture.publishedFailures()).hasSize(1);
            assertThat(fixture.publishedRuns()).filteredOn(r -> r.runId().equals("same-id")).hasSize(2);
        }
    }

    @Test
    void runWithoutHeartbeatPastItsOwnDeadlineIsFailedWhileHeartbeatingRunSurvives() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("quiet", "s", FOUR_DAYS_AGO);
            fixture.started("alive", "s", FOUR_DAYS_AGO);
            fixture.send("alive", "{\"event\":\"heartbeat\",\"time\":\"" + NOW.minus(Duration.ofHours(1)) + "\"}");

            fixture.sweep(NOW);

            assertThat(fixture.run("quiet").status()).isEqualTo(RunStatus.FAILED);
            assertThat(fixture.run("alive").status()).isEqualTo(RunStatus.IN_PROGRESS);
        }
    }

    @Test
    void sweepOfManyDueRunsProceedsInChunksAndFailsEveryOneOnce() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            int due = SweepProtocol.WRITE_CHUNK * 2 + 500;
            for (int i = 0; i < due; i++) {
                fixture.started("stale-" + i, "s" + (i % 7), FOUR_DAYS_AGO.minusSeconds(i));
            }
            fixture.started("recent", "s0", TWO_DAYS_AGO);
            fixture.publishedRuns();

            SweepResult result = fixture.sweep(NOW);

            assertThat(result.totalLogsUpdated()).isEqualTo(due);
            assertThat(result.scriptsAffected()).isEqualTo(7);
            assertThat(result.entriesExamined()).isEqualTo(due);
            assertThat(fixture.publishedFailures()).extracting(RunFailure::runId).doesNotHaveDuplicates().hasSize(due);
            assertThat(fixture.run("recent").status()).isEqualTo(RunStatus.IN_PROGRESS);
        }
    }

    /**
     * A partition answers once it has decided which runs a sweep fails and writes them behind the answer; whatever
     * touches one of them in between finds it failed already, so the answer holds: an end that comes after the sweep
     * is the run's late completion, and a heartbeat does not save it.
     */
    @Test
    void aSweepAnswersOnceDecidedAndNothingAfterItsMarkerSavesARunItFails() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            for (int i = 0; i < 3; i++) {
                fixture.started("stale-" + i, "s", FOUR_DAYS_AGO);
            }
            fixture.started("fresh", "s", TWO_DAYS_AGO);
            fixture.publishedRuns();
            SweepRequest request = new SweepRequest("decided", Trigger.MANUAL, NOW, null);

            fixture.requestSweep(request);

            assertThat(fixture.sweepResult("decided").totalLogsUpdated()).isEqualTo(3);
            assertThat(fixture.publishedFailures()).as("written behind the answer").isEmpty();

            fixture.ended("stale-0", "succeeded", NOW.plusSeconds(5), "done at last");
            fixture.send("stale-1", "{\"event\":\"heartbeat\",\"time\":\"" + NOW.plusSeconds(5) + "\"}");
            fixture.writeSweeps();

            RunRecord ended = fixture.run("stale-0");
            assertThat(ended.status()).isEqualTo(RunStatus.FAILED);
            assertThat(ended.endTime()).isEqualTo(NOW);
            assertThat(ended.lateCompletion().status()).isEqualTo(RunStatus.SUCCESS);
            assertThat(fixture.run("stale-1").status()).isEqualTo(RunStatus.FAILED);
            assertThat(fixture.run("stale-1").lastHeartbeat()).isNull();
            assertThat(fixture.run("fresh").status()).isEqualTo(RunStatus.IN_PROGRESS);
            assertThat(fixture.publishedFailures()).extracting(RunFailure::runId)
                    .containsExactlyInAnyOrder("stale-0", "stale-1", "stale-2");
            assertThat(fixture.publishedFailures()).as("each once").isEmpty();
        }
    }

    /** A sweep taken on while an earlier one is still written fails only the runs due after the earlier one's asOf. */
    @Test
    void aSweepBehindAnotherFailsOnlyTheRunsTheEarlierOneLeaves() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("older", "s", NOW.minus(Duration.ofDays(5)));
            fixture.started("newer", "s", FOUR_DAYS_AGO);

            fixture.requestSweep(new SweepRequest("first", Trigger.MANUAL, NOW.minus(Duration.ofDays(2)), null));
            fixture.requestSweep(new SweepRequest("second", Trigger.MANUAL, NOW, null));
            fixture.writeSweeps();

            assertThat(fixture.sweepResult("first").totalLogsUpdated()).isEqualTo(1);
            assertThat(fixture.sweepResult("second").totalLogsUpdated()).isEqualTo(1);
            assertThat(fixture.publishedFailures()).extracting(RunFailure::runId, RunFailure::sweepId)
                    .containsExactlyInAnyOrder(tuple("older", "first"),
                            tuple("newer", "second"));
            assertThat(fixture.run("older").endTime()).isEqualTo(NOW.minus(Duration.ofDays(2)));
        }
    }

    /**
     * A run reported after a partition decided a sweep, though due by its asOf, is not that sweep's (it came after
     * its marker): the sweep's count holds, and the next sweep fails and counts it.
     */
    @Test
    void aRunReportedAfterASweepDecidedIsTheNextSweepsToFail() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("before", "s", FOUR_DAYS_AGO);
            fixture.requestSweep(new SweepRequest("first", Trigger.MANUAL, NOW, null));
            fixture.started("after", "s", FOUR_DAYS_AGO);
            fixture.writeSweeps();

            assertThat(fixture.sweepResult("first").totalLogsUpdated()).isEqualTo(1);
            assertThat(fixture.publishedFailures()).extracting(RunFailure::runId).containsExactly("before");
            assertThat(fixture.run("after").status()).isEqualTo(RunStatus.IN_PROGRESS);

            SweepResult next = fixture.sweep(NOW.plusSeconds(60));

            assertThat(next.totalLogsUpdated()).isEqualTo(1);
            assertThat(fixture.publishedFailures()).extracting(RunFailure::runId, RunFailure::sweepId)
                    .containsExactly(tuple("after", next.sweepId()));
        }
    }

    /**
     * A run reported after a sweep decided, due by its asOf, is held for the next sweep; a next sweep that comes
     * before the first one's runs are written still fails it, instead of leaving it to the sweep after (a day later).
     */
    @Test
    void aRunHeldForTheNextSweepIsThatSweepsEvenWhenItComesBeforeTheFirstIsWritten() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("before", "s", FOUR_DAYS_AGO);
            fixture.requestSweep(new SweepRequest("first", Trigger.MANUAL, NOW, null));
            fixture.started("after", "s", FOUR_DAYS_AGO);
            fixture.requestSweep(new SweepRequest("second", Trigger.MANUAL, NOW.plusSeconds(60), null));
            fixture.writeSweeps();

            assertThat(fixture.sweepResult("first").totalLogsUpdated()).isEqualTo(1);
            assertThat(fixture.sweepResult("second").totalLogsUpdated()).isEqualTo(1);
            assertThat(fixture.publishedFailures()).extracting(RunFailure::runId, RunFailure::sweepId)
                    .containsExactlyInAnyOrder(tuple("before", "first"), tuple("after", "second"));
        }
    }

    /**
     * A marker forged into script-events under the id of a sweep not yet started (a scheduled one's id is easy to
     * guess) does not stop that sweep from completing: the partition sends its part home again when the real marker
     * comes.
     */
    @Test
    void aMarkerForgedUnderTheIdOfASweepToComeDoesNotStopIt() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("stale", "s", FOUR_DAYS_AGO);
            SweepRequest request = new SweepRequest("cron-nightly", Trigger.SCHEDULED, NOW, "nightly");
            fixture.sendControl(ControlRecord.SWEEP_MARKER, request.sweepId(), request);

            fixture.requestSweep(request);
            fixture.writeSweeps();

            assertThat(fixture.sweepResult("cron-nightly")).as("completed").isNotNull();
            assertThat(fixture.sweepResult("cron-nightly").totalLogsUpdated()).isEqualTo(1);
            assertThat(fixture.publishedFailures()).extracting(RunFailure::runId).containsExactly("stale");
        }
    }

    /**
     * A marker forged under a sweep's id with another asOf is a sweep of its own: the real one still fails the
     * overdue runs under its id, and completes.
     */
    @Test
    void aMarkerForgedUnderASweepsIdWithAnotherAsOfCannotStandInForIt() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("stale", "s", FOUR_DAYS_AGO);
            SweepRequest real = new SweepRequest("nightly-202611281200", Trigger.SCHEDULED, NOW, "nightly");
            SweepRequest forged = new SweepRequest(real.sweepId(), Trigger.SCHEDULED, Instant.parse("2000-01-01T00:00:00Z"),
                    "nightly");
            fixture.sendControl(ControlRecord.SWEEP_MARKER, forged.sweepId(), forged);

            fixture.requestSweep(real);
            fixture.writeSweeps();

            assertThat(fixture.sweepResult(real.sweepId()).totalLogsUpdated()).isEqualTo(1);
            assertThat(fixture.publishedFailures()).extracting(RunFailure::runId, RunFailure::sweepId)
                    .containsExactly(tuple("stale", real.sweepId()));
        }
    }

    /**
     * A continuation forged with a count near the largest int, which summed with the partition's own would wrap to a
     * negative one the home refuses, is dead-lettered: the sweep it names still completes.
     */
    @Test
    void aContinuationForgedWithAHugeCountIsRefusedAndTheSweepStillCompletes() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("stale", "s", FOUR_DAYS_AGO);
            SweepRequest real = new SweepRequest("nightly-202611281200", Trigger.SCHEDULED, NOW, "nightly");
            SweepContinuation forged = new SweepContinuation(real,
                    new SweepPart(real.sweepId(), 0, Integer.MAX_VALUE, List.of(), 0, false));
            fixture.sendControl(ControlRecord.SWEEP_CONTINUE, real.sweepId(), forged,
                    new RecordHeader(ControlRecord.PARTITION, "0".getBytes(StandardCharsets.UTF_8)));
            assertThat(fixture.deadLetterReasons()).containsExactly("bad-control");

            fixture.requestSweep(real);
            fixture.writeSweeps();

            assertThat(fixture.sweepResult(real.sweepId()).totalLogsUpdated()).isEqualTo(1);
            assertThat(fixture.publishedFailures()).extracting(RunFailure::runId).containsExactly("stale");
        }
    }
}
