package io.runwarden.stream;

import io.runwarden.model.FailureReason;
import io.runwarden.kafka.StoreNames;
import io.runwarden.runs.IndexContents;

import io.runwarden.model.LateCompletion;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.ScriptPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.runwarden.stream.TopologyFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** The run semantics of DESIGN.md, through the real topology. */
class RunSemanticsTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:30:00Z");
    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void startedEventOpensRunWithItsOwnStartTimeAndDefaultDeadline() {
        fixture.started("r1", "synchroFacture", T0);

        RunRecord run = fixture.publishedRuns().get(0);
        assertThat(run.runId()).isEqualTo("r1");
        assertThat(run.scriptName()).isEqualTo("synchroFacture");
        assertThat(run.status()).isEqualTo(RunStatus.IN_PROGRESS);
        assertThat(run.startTime()).isEqualTo(T0);
        assertThat(run.deadline()).isEqualTo(T0.plus(Duration.ofDays(3)));
        assertThat(run.endTime()).isNull();
        assertThat(run.lastHeartbeat()).isNull();
    }

    @Test
    void runRecordJsonUsesContractFieldsAndMillisecondInstants() {
        fixture.started("r1", "synchroFacture", T0);

        String json = new String(fixture.runs.readValue());
        assertThat(json).contains("\"startTime\":\"2026-11-20T10:30:00.000Z\"",
                "\"deadline\":\"2026-11-23T10:30:00.000Z\"", "\"lastHeartbeat\":null", "\"lateCompletion\":null",
                "\"status\":2", "\"endTime\":null", "\"failureReason\":null");
    }

    @Test
    void originalStatusFormIsAccepted() {
        fixture.send("r1", "{\"scriptName\":\"legacy\",\"status\":2,\"startTime\":\"2026-11-20T10:30:00Z\"}");
        fixture.send("r1", "{\"status\":0,\"endTime\":\"2026-11-20T11:00:00Z\",\"message\":\"done\"}");

        RunRecord run = fixture.run("r1");
        assertThat(run.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(run.startTime()).isEqualTo(T0);
        assertThat(run.endTime()).isEqualTo(Instant.parse("2026-11-20T11:00:00Z"));
        assertThat(run.message()).isEqualTo("done");
    }

    @Test
    void aWholeRunInOneRecordKeepsBothItsTimesAndAStartAlreadyKnownStands() {
        fixture.send("whole", "{\"scriptName\":\"legacy\",\"status\":-1,\"startTime\":\"2026-11-20T10:30:00Z\","
                + "\"endTime\":\"2026-11-20T11:00:00Z\",\"message\":\"boom\"}");
        fixture.started("known", "legacy", T0);
        fixture.send("known", "{\"status\":0,\"startTime\":\"2026-11-20T09:00:00Z\",\"endTime\":\"2026-11-20T11:00:00Z\"}");
        fixture.send("reversed", "{\"scriptName\":\"legacy\",\"status\":0,\"startTime\":\"2026-11-20T12:00:00Z\","
                + "\"endTime\":\"2026-11-20T11:00:00Z\"}");

        RunRecord whole = fixture.run("whole");
        assertThat(whole.status()).isEqualTo(RunStatus.FAILED);
        assertThat(whole.startTime()).isEqualTo(T0);
        assertThat(whole.endTime()).isEqualTo(Instant.parse("2026-11-20T11:00:00Z"));
        assertThat(whole.message()).isEqualTo("boom");
        assertThat(fixture.run("known").startTime()).as("a start event's time stands").isEqualTo(T0);
        RunRecord reversed = fixture.run("reversed");
        assertThat(reversed.status()).as("the end is applied").isEqualTo(RunStatus.SUCCESS);
        assertThat(reversed.startTime()).as("a start after the end is left out").isNull();
        fixture.send("reversed", "{\"status\":0,\"startTime\":\"2026-11-20T10:00:00Z\",\"endTime\":\"2026-11-20T11:00:00Z\"}");
        assertThat(fixture.run("reversed").startTime()).as("the same end again fills in the start").isEqualTo(
                Instant.parse("2026-11-20T10:00:00Z"));
        assertThat(fixture.deadLetterReasons()).isEmpty();
    }

    @Test
    void missingTimeFallsBackToRecordTimestamp() {
        Instant recordTime = Instant.parse("2026-11-27T08:00:00Z");
        fixture.send("r1", "{\"scriptName\":\"s\",\"event\":\"started\"}", recordTime);

        assertThat(fixture.run("r1").startTime()).isEqualTo(recordTime);
    }

    @Test
    void duplicatesAreHarmless() {
        fixture.started("r1", "s", T0);
        fixture.started("r1", "s", T0);
        fixture.ended("r1", "succeeded", T0.plusSeconds(60), "ok");
        fixture.ended("r1", "succeeded", T0.plusSeconds(60), "ok");

        assertThat(fixture.publishedRuns()).extracting(RunRecord::status)
                .containsExactly(RunStatus.IN_PROGRESS, RunStatus.SUCCESS);
        assertThat(fixture.run("r1").endTime()).isEqualTo(T0.plusSeconds(60));
        assertThat(fixture.deadLetterReasons()).isEmpty();
    }

    /** A runId used again for a later run (a fixed rid, a date as the rid): its failure must not vanish unseen. */
    @Test
    void anEndThatContradictsTheRunsEndIsADeadLetterAndTheFirstEndStands() {
        fixture.started("r1", "s", T0);
        fixture.ended("r1", "succeeded", T0.plusSeconds(60), "ok");
        fixture.ended("r1", "succeeded", T0.plusSeconds(90), "a retried request, timed again");
        fixture.started("r1", "s", T0.plusSeconds(3600));
        fixture.ended("r1", "failed", T0.plusSeconds(3660), "disk full");

        RunRecord run = fixture.run("r1");
        assertThat(run.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(run.endTime()).isEqualTo(T0.plusSeconds(60));
        assertThat(fixture.deadLetterReasons()).containsExactly("already-ended");
        assertThat(fixture.publishedAlerts()).isEmpty();
    }

    @Test
    void aTimedOutRunTakesOneLateEndAndRefusesAContradictingOne() {
        fixture.started("r1", "s", T0);
        fixture.sweep(T0.plus(Duration.ofDays(4)));
        fixture.ended("r1", "succeeded", T0.plus(Duration.ofDays(5)), "late");
        fixture.ended("r1", "succeeded", T0.plus(Duration.ofDays(5)), "late");
        fixture.ended("r1", "failed", T0.plus(Duration.ofDays(6)), "another run's failure");

        RunRecord run = fixture.run("r1");
        assertThat(run.failureReason()).isEqualTo(FailureReason.TIMEOUT);
        assertThat(run.lateCompletion()).isEqualTo(new LateCompletion(RunStatus.SUCCESS, T0.plus(Duration.ofDays(5)), "late"));
        assertThat(fixture.deadLetterReasons()).containsExactly("already-ended");
    }

    @Test
    void endBeforeStartYieldsOneCorrectRun() {
        fixture.ended("r1", "succeeded", T0.plusSeconds(60), "ok");
        fixture.started("r1", "s", T0);

        RunRecord run = fixture.run("r1");
        assertThat(run.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(run.scriptName()).isEqualTo("s");
        assertThat(run.startTime()).isEqualTo(T0);
        assertThat(run.endTime()).isEqualTo(T0.plusSeconds(60));
        assertThat(run.message()).isEqualTo("ok");
        assertThat(new IndexContents(fixture.driver.getKeyValueStore(StoreNames.INDEXES)).deadlines())
                .as("an ended run leaves the deadline index").isEmpty();
    }

    @Test
    void startedAfterEndNeverReopensRun() {
        fixture.started("r1", "s", T0);
        fixture.ended("r1", "failed", T0.plusSeconds(5), "boom");
        fixture.started("r1", "s", T0.plusSeconds(10));

        RunRecord run = fixture.run("r1");
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.failureReason()).isEqualTo(FailureReason.ERROR);
        assertThat(run.startTime()).isEqualTo(T0);
        assertThat(fixture.sweep(NOW).totalLogsUpdated()).isZero();
    }

    @Test
    void heartbeatMovesDeadlineAndAnOlderOneDoesNotMoveItBack() {
        fixture.started("r1", "s", T0);
        Instant beat = T0.plus(Duration.ofDays(2));
        fixture.send("r1", "{\"event\":\"heartbeat\",\"time\":\"" + beat + "\"}");
        fixture.send("r1", "{\"event\":\"heartbeat\",\"time\":\"" + T0.plusSeconds(3600) + "\"}");

        RunRecord run = fixture.run("r1");
        assertThat(run.lastHeartbeat()).isEqualTo(beat);
        assertThat(run.deadline()).isEqualTo(beat.plus(Duration.ofDays(3)));
        assertThat(fixture.sweep(T0.plus(Duration.ofDays(4))).totalLogsUpdated()).isZero();
        assertThat(fixture.run("r1").status()).isEqualTo(RunStatus.IN_PROGRESS);
    }

    @Test
    void heartbeatBeforeStartKeepsTheRunAlive() {
        Instant beat = T0.plus(Duration.ofDays(2));
        fixture.send("r1", "{\"event\":\"heartbeat\",\"time\":\"" + beat + "\"}");
        fixture.started("r1", "s", T0);

        RunRecord run = fixture.run("r1");
        assertThat(run.startTime()).isEqualTo(T0);
        assertThat(run.scriptName()).isEqualTo("s");
        assertThat(run.deadline()).isEqualTo(beat.plus(Duration.ofDays(3)));
    }

    @Test
    void ownMaxRuntimeSetsTheDeadlineAndTheMessage() {
        fixture.send("r1", "{\"scriptName\":\"s\",\"event\":\"started\",\"time\":\"" + T0 + "\",\"maxRuntime\":\"PT6H\"}");

        assertThat(fixture.run("r1").deadline()).isEqualTo(T0.plus(Duration.ofHours(6)));
        assertThat(fixture.sweep(T0.plus(Duration.ofHours(7))).totalLogsUpdated()).isEqualTo(1);
        assertThat(fixture.run("r1").message()).isEqualTo("Script marked as failed - exceeded 6 hour timeout");
    }

    @Test
    void aLimitWithAFractionOfASecondIsWordedWithIt() {
        fixture.send("r1", "{\"scriptName\":\"s\",\"event\":\"started\",\"time\":\"" + T0 + "\",\"maxRuntime\":\"PT1.5S\"}");
        fixture.send("r2", "{\"scriptName\":\"s\",\"event\":\"started\",\"time\":\"" + T0 + "\",\"maxRuntime\":\"P1DT0.25S\"}");

        assertThat(fixture.sweep(T0.plus(Duration.ofDays(2))).totalLogsUpdated()).isEqualTo(2);
        assertThat(fixture.run("r1").message()).isEqualTo("Script marked as failed - exceeded 1.5 second timeout");
        assertThat(fixture.run("r2").message()).isEqualTo("Script marked as failed - exceeded 86400.25 second timeout");
    }

    /** A run known first by a heartbeat (its start late, or lost) is held to its script's limit, as a start would be. */
    @Test
    void aRunFirstSeenByAHeartbeatTakesItsScriptsMaxRuntime() {
        fixture.putPolicy(new ScriptPolicy("backup", Duration.ofHours(6), null, null, null, false, NOW));
        fixture.send("r1", "{\"scriptName\":\"backup\",\"event\":\"heartbeat\",\"time\":\"" + T0 + "\"}");

        assertThat(fixture.run("r1").deadline()).isEqualTo(T0.plus(Duration.ofHours(6)));
        assertThat(fixture.sweep(T0.plus(Duration.ofHours(7))).totalLogsUpdated()).isEqualTo(1);
        assertThat(fixture.run("r1").message()).isEqualTo("Script marked as failed - exceeded 6 hour timeout");
    }

    @Test
    void lateCompletionAfterTimeoutKeepsBothFacts() {
        fixture.started("r1", "s", T0);
        Instant asOf = T0.plus(Duration.ofDays(4));
        fixture.sweep(asOf);
        Instant late = asOf.plusSeconds(30);
        fixture.ended("r1", "succeeded", late, "finally done");
        fixture.ended("r1", "failed", late.plusSeconds(5), "second end is ignored");

        RunRecord run = fixture.run("r1");
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.failureReason()).isEqualTo(FailureReason.TIMEOUT);
        assertThat(run.endTime()).isEqualTo(asOf);
        assertThat(run.message()).isEqualTo("Script marked as failed - exceeded 3 day timeout");
        assertThat(run.lateCompletion()).isEqualTo(new LateCompletion(RunStatus.SUCCESS, late, "finally done"));
    }

    @Test
    void scriptReportedFailureIsAnErrorNotATimeout() {
        fixture.started("r1", "s", T0);
        fixture.ended("r1", "failed", T0.plusSeconds(5), "exit code 3");

        RunRecord run = fixture.run("r1");
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.failureReason()).isEqualTo(FailureReason.ERROR);
        assertThat(run.message()).isEqualTo("exit code 3");
    }
}
