package io.runwarden.stream;

import io.runwarden.alerts.BatchDone;
import io.runwarden.alerts.RunOutcome;
import io.runwarden.kafka.EventPartitions;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.InvalidEventException;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.schedule.StartChecks;
import io.runwarden.sweep.SweepResult;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.runwarden.stream.TopologyFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Alerts on the topology: one per fact on {@code script-alerts}, keyed by script, with an id a replay gives again;
 * {@code recovered} after the first success that follows; nothing for a paused script; a batch's end in the feed
 * behind its alerts.
 */
class AlertsTest {
    private static final Instant T = NOW.minus(Duration.ofHours(1));

    @Test
    void aRunItsScriptFailedRaisesOneFailedAlertAndTheNextSuccessOneRecovered() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("run-1", "backup", T);
            fixture.ended("run-1", "failed", T.plusSeconds(60), "exit 3");
            fixture.ended("run-1", "failed", T.plusSeconds(61), "exit 3 again"); // the first end wins: no second alert
            fixture.started("run-2", "backup", T.plusSeconds(120));
            fixture.ended("run-2", "succeeded", T.plusSeconds(180), "ok");
            fixture.started("run-3", "backup", T.plusSeconds(240));
            fixture.ended("run-3", "succeeded", T.plusSeconds(300), "ok");

            assertThat(fixture.publishedAlerts()).containsExactly(
                    new Alert("failed:run-1", AlertKind.FAILED, "backup", "run-1", T.plusSeconds(60), "exit 3", null, null),
                    new Alert("recovered:run-2", AlertKind.RECOVERED, "backup", "run-2", T.plusSeconds(180),
                            "Script recovered: run run-2 succeeded", null, null));
            assertThat(fixture.meters.get(RunwardenMeters.ALERTS).tag("kind", "failed").counter().count()).isEqualTo(1);
            assertThat(fixture.meters.get(RunwardenMeters.ALERTS).tag("kind", "recovered").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void successesOfAHealthyScriptAndRunsWithoutAScriptRaiseNothing() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("ok-1", "healthy", T);
            fixture.ended("ok-1", "succeeded", T.plusSeconds(1), "ok");
            fixture.ended("nameless", "failed", T.plusSeconds(2), "no start, no script"); // no script: no one to alert

            assertThat(fixture.publishedAlerts()).isEmpty();
        }
    }

    /** A failure that overtook its start, and named no script, is alerted once the start names it: once. */
    @Test
    void anEndThatOvertookItsStartIsAlertedWhenTheStartNamesItsScript() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.ended("early-end", "failed", T.plusSeconds(60), "exit 1");
            fixture.driver.advanceWallClockTime(Duration.ofMillis(50)); // written: a run of no script yet
            assertThat(fixture.run("early-end").scriptName()).isNull();
            assertThat(fixture.publishedAlerts()).isEmpty();

            fixture.started("early-end", "backup", T);
            fixture.driver.advanceWallClockTime(Duration.ofMillis(50));
            fixture.started("early-end", "backup", T); // again: nothing more to tell
            fixture.driver.advanceWallClockTime(Duration.ofMillis(50));

            assertThat(fixture.publishedAlerts()).containsExactly(
                    new Alert("failed:early-end", AlertKind.FAILED, "backup", "early-end", T.plusSeconds(60), "exit 1", null, null));
        }
    }

    @Test
    void aSweepRaisesATimeoutPerRunWithItsSweepIdThenItsEndInTheFeed() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("stuck-1", "nightly", NOW.minus(Duration.ofDays(4)));
            fixture.started("stuck-2", "nightly", NOW.minus(Duration.ofDays(5)));
            fixture.alertFeed.readRecordsToList();

            SweepResult result = fixture.sweep(NOW);

            List<Alert> alerts = fixture.publishedAlerts();
            assertThat(alerts).extracting(Alert::alertId).containsExactly("timeout:stuck-2", "timeout:stuck-1");
            assertThat(alerts).allSatisfy(alert -> {
                assertThat(alert.kind()).isEqualTo(AlertKind.TIMEOUT);
                assertThat(alert.sweepId()).isEqualTo(result.sweepId());
                assertThat(alert.time()).isEqualTo(NOW);
                assertThat(alert.message()).isEqualTo("Script marked as failed - exceeded 3 day timeout");
            });
            List<TestRecord<String, byte[]>> feed = fixture.alertFeed.readRecordsToList();
            assertThat(feed).extracting(TestRecord::key).containsExactly("nightly", "nightly", result.sweepId());
            TestRecord<String, byte[]> end = feed.get(2);
            assertThat(end.headers().lastHeader(BatchDone.HEADER)).isNotNull();
            assertThat(new String(end.value(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"batchId\":\"" + result.sweepId() + "\",\"partition\":0}");
        }
    }

    @Test
    void aMissedSlotRaisesAMissedAlertWithItsCheckIdThenTheCheckEndsInTheFeed() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.putPolicy(new ScriptPolicy("report", null, "*/5 * * * *", "UTC", Duration.ofMinutes(1), false, NOW));
            fixture.advanceTo(NOW.plus(Duration.ofMinutes(7)), StartChecks.TICK);

            List<Alert> alerts = fixture.publishedAlerts();
            assertThat(alerts).hasSize(1);
            Alert missed = alerts.get(0);
            assertThat(missed.alertId()).isEqualTo("missed:report@2026-11-28T12:05:00Z");
            assertThat(missed.kind()).isEqualTo(AlertKind.MISSED);
            assertThat(missed.runId()).isEqualTo("report@2026-11-28T12:05:00Z");
            assertThat(missed.message()).isEqualTo("Script did not start - expected at 2026-11-28T12:05:00Z (grace 1 minute)");
            assertThat(missed.checkId()).startsWith("check-");
            assertThat(missed.sweepId()).isNull();
            assertThat(fixture.alertFeed.readRecordsToList()).extracting(TestRecord::key).containsExactly("report", missed.checkId());
        }
    }

    /**
     * A slot is missed once its grace runs out, and found so a little later: a run that started too late to keep it
     * and succeeded in between is newer news than the missed slot, so the script reads recovered, not down until its
     * next slot.
     */
    @Test
    void aSuccessAfterASlotsGraceRanOutRecoversTheMissedSlotFoundAfterIt() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.putPolicy(new ScriptPolicy("report", null, "*/5 * * * *", "UTC", Duration.ofMinutes(1), false, NOW));
            fixture.started("late-1", "report", NOW.plusSeconds(6 * 60 + 2)); // the 12:05 slot's grace ended at 12:06
            fixture.ended("late-1", "succeeded", NOW.plusSeconds(6 * 60 + 4), "ok");
            fixture.advanceTo(NOW.plusSeconds(6 * 60 + 30), Duration.ofSeconds(6 * 60 + 30)); // found at 12:06:30

            List<Alert> alerts = fixture.publishedAlerts();
            assertThat(alerts).extracting(Alert::alertId).containsExactly("missed:report@2026-11-28T12:05:00Z", "recovered:late-1");
            assertThat(alerts.get(0).time()).as("the missed run's end: when it was found").isEqualTo(fixture.run("report@2026-11-28T12:05:00Z").endTime());
        }
    }

    @Test
    void aPausedScriptAlertsNothingAndItsFirstSuccessAfterResumingSaysItRecovered() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("run-1", "etl", T);
            fixture.ended("run-1", "failed", T.plusSeconds(10), "boom");
            fixture.putPolicy(new ScriptPolicy("etl", null, null, null, null, true, NOW));
            fixture.started("run-2", "etl", T.plusSeconds(20));
            fixture.ended("run-2", "failed", T.plusSeconds(30), "boom while paused");
            fixture.started("run-3", "etl", T.plusSeconds(40));
            fixture.ended("run-3", "succeeded", T.plusSeconds(50), "ok while paused");
            assertThat(fixture.publishedAlerts()).extracting(Alert::alertId).containsExactly("failed:run-1");

            fixture.putPolicy(new ScriptPolicy("etl", null, null, null, null, false, NOW));
            fixture.started("run-4", "etl", T.plusSeconds(60));
            fixture.ended("run-4", "succeeded", T.plusSeconds(70), "ok");

            assertThat(fixture.publishedAlerts()).extracting(Alert::alertId).containsExactly("recovered:run-4");
        }
    }

    @Test
    void aLateEndOfATimedOutRunIsNoRecovery() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("slow", "archive", NOW.minus(Duration.ofDays(4)));
            fixture.sweep(NOW);
            fixture.ended("slow", "succeeded", NOW.plusSeconds(5), "done at last");

            assertThat(fixture.publishedAlerts()).extracting(Alert::alertId).containsExactly("timeout:slow");
            assertThat(fixture.run("slow").lateCompletion()).isNotNull();
        }
    }

    @Test
    void aBadRecordOnTheAlertOutcomesIsDeadLetteredAndTheNextOutcomeStillAlerts() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            TestInputTopic<String, byte[]> outcomes = fixture.driver.createInputTopic(
                    io.runwarden.kafka.Topics.alertOutcomes(TopologyFixture.APPLICATION), new StringSerializer(), new ByteArraySerializer());
            outcomes.pipeInput("x", "not json".getBytes(StandardCharsets.UTF_8));
            outcomes.pipeInput("x", "{\"runId\":\"r\",\"scriptName\":\"y\"}".getBytes(StandardCharsets.UTF_8)); // keyed by another
            RecordHeaders end = new RecordHeaders();
            end.add(BatchDone.HEADER, new byte[0]);
            outcomes.pipeInput(new TestRecord<>("b", "{\"batchId\":\"b\",\"partition\":7}".getBytes(StandardCharsets.UTF_8), end, NOW));

            assertThat(fixture.deadLetters.readRecordsToList()).hasSize(3).allSatisfy(dead -> assertThat(
                    new String(dead.headers().lastHeader("runwarden.dlq.reason").value(), StandardCharsets.UTF_8)).isEqualTo("bad-alert-outcome"));
            fixture.started("run-1", "after", T);
            fixture.ended("run-1", "failed", T.plusSeconds(1), "still heard");
            assertThat(fixture.publishedAlerts()).extracting(Alert::alertId).containsExactly("failed:run-1");
        }
    }

    /**
     * A record gathers the outcomes of every run a write of runs ended on one outcome partition: each is decided, in
     * order, as if it had come alone.
     */
    @Test
    void outcomesGatheredInOneRecordAreEachDecidedInTheirOrder() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            TestInputTopic<String, byte[]> outcomes = outcomesTopic(fixture);
            outcomes.pipeInput("backup", ("[" + outcome("run-1", "backup", "error", 10) + "," + outcome("run-2", "report", "error", 11)
                    + "," + outcome("run-3", "backup", null, 12) + "]").getBytes(StandardCharsets.UTF_8));

            assertThat(fixture.publishedAlerts()).extracting(Alert::alertId)
                    .containsExactly("failed:run-1", "failed:run-2", "recovered:run-3");
            assertThat(fixture.deadLetters.readRecordsToList()).isEmpty();
        }
    }

    /**
     * A record of outcomes runwarden could not have written is dead-lettered whole, none of its outcomes decided: an
     * empty one, one with a null or out-of-bounds outcome among good ones, one not keyed by its first outcome's script.
     */
    @Test
    void aRecordOfOutcomesWithOneBadOutcomeIsDeadLetteredWhole() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            TestInputTopic<String, byte[]> outcomes = outcomesTopic(fixture);
            String good = outcome("run-1", "backup", "error", 10);
            for (String batch : List.of("[]", "[" + good + ",null]", "[" + good + ",{\"runId\":\"r\",\"scriptName\":\"backup\"}]",
                    "[" + good + "," + outcome("run-2", "backup", "error", 10).replace("2026", "+10000") + "]")) {
                outcomes.pipeInput("backup", batch.getBytes(StandardCharsets.UTF_8));
            }
            outcomes.pipeInput("report", ("[" + good + "]").getBytes(StandardCharsets.UTF_8));

            assertThat(fixture.deadLetters.readRecordsToList()).hasSize(5).allSatisfy(dead -> assertThat(
                    new String(dead.headers().lastHeader("runwarden.dlq.reason").value(), StandardCharsets.UTF_8)).isEqualTo("bad-alert-outcome"));
            assertThat(fixture.publishedAlerts()).isEmpty();
        }
    }

    /** Each outcome of a record belongs to the partition of its key: a script of another would split its health. */
    @Test
    void aRecordOfOutcomesHoldingAScriptOfAnotherPartitionIsRefused() {
        int partitions = 6;
        String key = "backup";
        String other = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "script-" + i)
                .filter(script -> EventPartitions.of(script, partitions) != EventPartitions.of(key, partitions)).findFirst().orElseThrow();
        String neighbour = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "script-" + i)
                .filter(script -> EventPartitions.of(script, partitions) == EventPartitions.of(key, partitions)).findFirst().orElseThrow();
        byte[] together = ("[" + outcome("r1", key, "error", 1) + "," + outcome("r2", neighbour, null, 2) + "]").getBytes(StandardCharsets.UTF_8);
        byte[] apart = ("[" + outcome("r1", key, "error", 1) + "," + outcome("r2", other, null, 2) + "]").getBytes(StandardCharsets.UTF_8);

        assertThat(AlertProcessor.outcomes(key, together, partitions)).extracting(RunOutcome::scriptName).containsExactly(key, neighbour);
        assertThatThrownBy(() -> AlertProcessor.outcomes(key, apart, partitions)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("another partition");
    }

    private static TestInputTopic<String, byte[]> outcomesTopic(TopologyFixture fixture) {
        return fixture.driver.createInputTopic(io.runwarden.kafka.Topics.alertOutcomes(TopologyFixture.APPLICATION),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static String outcome(String runId, String script, String reason, int second) {
        return "{\"runId\":\"" + runId + "\",\"scriptName\":\"" + script + "\"" + (reason == null ? "" : ",\"reason\":\"" + reason + "\"")
                + ",\"time\":\"" + T.plusSeconds(second) + "\"}";
    }

    /**
     * Outcomes no run of runwarden's could have ended with are dead-lettered: ids of 300,000 characters (whose alert,
     * written twice, would be larger than script-alerts takes and stop the streams on every start), no time, a time
     * beyond 9999, a message longer than a run keeps.
     */
    @Test
    void anOutcomeBeyondTheBoundsOfARunIsDeadLettered() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            TestInputTopic<String, byte[]> outcomes = fixture.driver.createInputTopic(
                    io.runwarden.kafka.Topics.alertOutcomes(TopologyFixture.APPLICATION), new StringSerializer(), new ByteArraySerializer());
            String huge = "h".repeat(300_000);
            outcomes.pipeInput(huge, ("{\"runId\":\"" + huge + "\",\"scriptName\":\"" + huge + "\",\"reason\":\"error\","
                    + "\"time\":\"2026-11-28T11:00:00Z\"}").getBytes(StandardCharsets.UTF_8));
            outcomes.pipeInput("s", "{\"runId\":\"r\",\"scriptName\":\"s\",\"reason\":\"error\"}".getBytes(StandardCharsets.UTF_8));
            outcomes.pipeInput("s", ("{\"runId\":\"r\",\"scriptName\":\"s\",\"reason\":\"error\",\"time\":\"+10000-01-01T00:00:00Z\"}")
                    .getBytes(StandardCharsets.UTF_8));
            outcomes.pipeInput("s", ("{\"runId\":\"r\",\"scriptName\":\"s\",\"reason\":\"error\",\"time\":\"2026-11-28T11:00:00Z\","
                    + "\"message\":\"" + "m".repeat(8_193) + "\"}").getBytes(StandardCharsets.UTF_8));
            outcomes.pipeInput("", "{\"runId\":\"r\",\"scriptName\":\"\",\"time\":\"2026-11-28T11:00:00Z\"}".getBytes(StandardCharsets.UTF_8));

            assertThat(fixture.deadLetters.readRecordsToList()).hasSize(5).allSatisfy(dead -> assertThat(
                    new String(dead.headers().lastHeader("runwarden.dlq.reason").value(), StandardCharsets.UTF_8)).isEqualTo("bad-alert-outcome"));
            assertThat(fixture.publishedAlerts()).isEmpty();
        }
    }

    /**
     * A missed slot's record names the check that found it, as its alert does: one naming no check ('', or 20,000
     * characters) is refused where it lands, before anything is recorded, rather than recorded without its alert.
     */
    @Test
    void aMissedSlotNamingNoCheckIsDeadLetteredAndRecordsNothing() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            for (String checkId : List.of("", "c".repeat(20_000))) {
                String slot = checkId.isEmpty() ? "2026-11-28T11:00:00Z" : "2026-11-28T11:05:00Z";
                fixture.events.pipeInput(new TestRecord<>("report@" + slot, ("{\"slot\":{\"scriptName\":\"report\",\"slot\":\"" + slot
                        + "\",\"grace\":\"PT1M\"},\"checkId\":\"" + checkId + "\",\"foundAt\":\"" + NOW + "\"}").getBytes(StandardCharsets.UTF_8),
                        io.runwarden.model.ControlRecord.MISSED_SLOT.headers(), NOW));
            }

            assertThat(fixture.deadLetters.readRecordsToList()).hasSize(2).allSatisfy(dead -> assertThat(new String(
                    dead.headers().lastHeader("runwarden.dlq.reason").value(), StandardCharsets.UTF_8)).isEqualTo("bad-control"));
            assertThat(fixture.run("report@2026-11-28T11:00:00Z")).isNull();
            assertThat(fixture.publishedAlerts()).isEmpty();
        }
    }

    /** A cron job's sweep is named {job}-{slot}: with a job name of 256 characters, 271. Its end still reaches the feed. */
    @Test
    void theEndOfTheSweepOfAJobWithALongNameReachesTheFeed() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            TestInputTopic<String, byte[]> outcomes = fixture.driver.createInputTopic(
                    io.runwarden.kafka.Topics.alertOutcomes(TopologyFixture.APPLICATION), new StringSerializer(), new ByteArraySerializer());
            String sweepId = "j".repeat(256) + "-20261128T0200Z";
            RecordHeaders end = new RecordHeaders();
            end.add(BatchDone.HEADER, new byte[0]);
            outcomes.pipeInput(new TestRecord<>(sweepId, ("{\"batchId\":\"" + sweepId + "\",\"partition\":0}")
                    .getBytes(StandardCharsets.UTF_8), end, NOW));

            assertThat(fixture.deadLetters.readRecordsToList()).isEmpty();
            assertThat(fixture.alertFeed.readRecordsToList()).extracting(TestRecord::key).containsExactly(sweepId);
        }
    }
}
