package io.runwarden.stream;

import io.runwarden.kafka.StoreNames;
import io.runwarden.kafka.TopicSpec;
import io.runwarden.kafka.Topics;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.FailureReason;
import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.schedule.StartCheckProgress;
import io.runwarden.schedule.StartChecks;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.runwarden.stream.TopologyFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Missed starts on the topology: a check written by the scheduler behind the events decides each slot once its grace
 * ran out; a slot no run kept becomes a failed run {@code {script}@{slot}}, once. The fixture's clock starts at 12:00.
 */
class MissedStartTest {
    private static final Duration GRACE = Duration.ofMinutes(1);

    @Test
    void aSlotNoRunKeptIsRecordedOnceAsAMissedRunAndKeptSlotsAreNot() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.putPolicy(everyFiveMinutes("backup"));
            fixture.advanceTo(NOW.plusSeconds(10), StartChecks.TICK); // the first tick starts the checks' clock
            fixture.started("early", "backup", NOW.plus(Duration.ofMinutes(4)).plusSeconds(30)); // keeps 12:05, 30 s early
            fixture.started("late", "backup", NOW.plus(Duration.ofMinutes(15)).plusSeconds(50)); // keeps 12:15, 50 s late
            fixture.started("too-late", "backup", NOW.plus(Duration.ofMinutes(21)).plusSeconds(30)); // 90 s after 12:20

            fixture.advanceTo(NOW.plus(Duration.ofMinutes(30)), StartChecks.TICK);

            List<String> missed = fixture.publishedRuns().stream()
                    .filter(run -> run.failureReason() == FailureReason.MISSED).map(RunRecord::runId).toList();
            assertThat(missed).containsExactly("backup@2026-11-28T12:10:00Z", "backup@2026-11-28T12:20:00Z",
                    "backup@2026-11-28T12:25:00Z");
            RunRecord run = fixture.run("backup@2026-11-28T12:10:00Z");
            assertThat(run.scriptName()).isEqualTo("backup");
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.startTime()).isEqualTo(Instant.parse("2026-11-28T12:10:00Z"));
            assertThat(run.endTime()).isAfterOrEqualTo(Instant.parse("2026-11-28T12:11:00Z"));
            assertThat(run.message()).isEqualTo("Script did not start - expected at 2026-11-28T12:10:00Z (grace 1 minute)");
            assertThat(fixture.meters.get(RunwardenMeters.MISSED_SLOTS).counter().count()).isEqualTo(3);

            fixture.advanceTo(NOW.plus(Duration.ofMinutes(41)), StartChecks.TICK);
            assertThat(fixture.publishedRuns()).extracting(RunRecord::runId).as("each slot decided once, in order")
                    .containsExactly("backup@2026-11-28T12:30:00Z", "backup@2026-11-28T12:35:00Z", "backup@2026-11-28T12:40:00Z");
        }
    }

    /** The original logs kept a whole run in one record: its start keeps the slot as a start event's would. */
    @Test
    void aWholeRunInOneRecordOfTheOriginalFormKeepsItsSlot() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.putPolicy(everyFiveMinutes("backup"));
            fixture.advanceTo(NOW.plusSeconds(10), StartChecks.TICK);
            Instant start = NOW.plus(Duration.ofMinutes(5)).plusSeconds(2);
            fixture.send("whole", "{\"scriptName\":\"backup\",\"status\":0,\"startTime\":\"" + start
                    + "\",\"endTime\":\"" + start.plusSeconds(1) + "\"}");

            fixture.advanceTo(NOW.plus(Duration.ofMinutes(8)), StartChecks.TICK);

            assertThat(fixture.run("whole").startTime()).isEqualTo(start);
            assertThat(fixture.publishedRuns()).extracting(RunRecord::runId).as("12:05 kept by the whole run")
                    .doesNotContain("backup@2026-11-28T12:05:00Z");
            assertThat(fixture.meters.get(RunwardenMeters.MISSED_SLOTS).counter().count()).isZero();
        }
    }

    /** runIds are the reporter's to choose: one that names a slot's record must not silence that slot. */
    @Test
    void aReportedRunThatHoldsASlotsRunIdDoesNotSilenceTheSlot() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.putPolicy(everyFiveMinutes("backup"));
            fixture.advanceTo(NOW.plusSeconds(10), StartChecks.TICK);
            fixture.started("backup@2026-11-28T12:10:00Z", "decoy", NOW.minus(Duration.ofDays(1)));
            fixture.ended("backup@2026-11-28T12:10:00Z", "succeeded", NOW.minus(Duration.ofDays(1)).plusSeconds(5), "ok");
            fixture.publishedRuns();
            fixture.publishedAlerts();

            fixture.advanceTo(NOW.plus(Duration.ofMinutes(30)), StartChecks.TICK);

            RunRecord slot = fixture.run("backup@2026-11-28T12:10:00Z~missed-1");
            assertThat(slot.scriptName()).isEqualTo("backup");
            assertThat(slot.failureReason()).isEqualTo(FailureReason.MISSED);
            assertThat(slot.startTime()).isEqualTo(Instant.parse("2026-11-28T12:10:00Z"));
            assertThat(fixture.run("backup@2026-11-28T12:10:00Z").scriptName()).isEqualTo("decoy");
            assertThat(fixture.publishedAlerts()).filteredOn(alert -> alert.kind().wireName().equals("missed"))
                    .extracting(alert -> alert.runId()).containsExactly("backup@2026-11-28T12:05:00Z",
                            "backup@2026-11-28T12:10:00Z~missed-1", "backup@2026-11-28T12:15:00Z",
                            "backup@2026-11-28T12:20:00Z", "backup@2026-11-28T12:25:00Z");
            assertThat(fixture.meters.get(RunwardenMeters.MISSED_SLOTS).counter().count()).isEqualTo(5);
        }
    }

    @Test
    void aSlotWhoseGraceIsShortenedWhileItWaitsIsStillDecided() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.putPolicy(new ScriptPolicy("shortened", null, "*/5 * * * *", null, Duration.ofMinutes(4), false, NOW));
            fixture.advanceTo(NOW.plus(Duration.ofMinutes(6)), StartChecks.TICK); // 12:05 waits out its grace
            fixture.putPolicy(new ScriptPolicy("shortened", null, "*/5 * * * *", null, GRACE, false, NOW));

            fixture.advanceTo(NOW.plus(Duration.ofMinutes(12)), StartChecks.TICK);

            assertThat(fixture.publishedRuns()).extracting(RunRecord::runId)
                    .containsExactly("shortened@2026-11-28T12:05:00Z", "shortened@2026-11-28T12:10:00Z");
        }
    }

    @Test
    void aSlotWhoseGraceEndsBeforeTheFirstTickOfAFreshServiceIsDecided() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.putPolicy(new ScriptPolicy("early-bird", null, "* * * * *", null, Duration.ofSeconds(1), false,
                    NOW.minusSeconds(2)));

            fixture.advanceTo(NOW.plusSeconds(30), StartChecks.TICK);

            assertThat(fixture.publishedRuns()).extracting(RunRecord::runId).containsExactly("early-bird@2026-11-28T12:00:00Z");
        }
    }

    /**
     * The service is down from Friday night to Monday morning, before the first slot of a new schedule was decided:
     * Saturday's and Sunday's slots are decided on Monday, as they would be had Friday's 03:00 been decided already.
     */
    @Test
    void slotsOfANewScheduleThatAnOutageOfDaysCoversAreAllDecided() {
        Instant friday = Instant.parse("2026-12-04T10:00:00Z");
        try (TopologyFixture fixture = new TopologyFixture(Duration.ofDays(3), friday)) {
            fixture.putPolicy(new ScriptPolicy("nightly", null, "0 3 * * *", null, Duration.ofMinutes(10), false, friday));
            fixture.advanceTo(friday.plus(StartChecks.TICK), StartChecks.TICK);
            fixture.advanceTo(Instant.parse("2026-12-04T23:00:00Z"), Duration.ofHours(13)); // a tick, nothing due
            fixture.started("saturday", "nightly", Instant.parse("2026-12-05T03:02:00Z")); // reported, then the outage

            fixture.advanceTo(Instant.parse("2026-12-07T09:00:00Z"), Duration.ofHours(58)); // one tick after it
            fixture.advanceTo(Instant.parse("2026-12-07T09:00:30Z"), StartChecks.TICK);

            assertThat(fixture.publishedRuns()).filteredOn(run -> run.failureReason() == FailureReason.MISSED)
                    .extracting(RunRecord::runId).as("Saturday's kept, Sunday's and Monday's missed, each once")
                    .containsExactly("nightly@2026-12-06T03:00:00Z", "nightly@2026-12-07T03:00:00Z");
        }
    }

    /** A schedule set long before the service first sees it is caught up in steps, every slot once and in order. */
    @Test
    void slotsSinceAnOldScheduleSinceAreCaughtUpTickByTickNoneSkippedNoneTwice() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.putPolicy(new ScriptPolicy("minutely", null, "* * * * *", null, GRACE, false,
                    NOW.minus(Duration.ofHours(30)))); // 1,800 slots before NOW, more than a day back

            fixture.advanceTo(NOW.plus(StartChecks.TICK), StartChecks.TICK);
            assertThat(fixture.publishedRuns()).as("one tick decides a bounded step").hasSize(100)
                    .first().extracting(RunRecord::runId).isEqualTo("minutely@2026-11-27T06:01:00Z");

            fixture.advanceTo(NOW.plus(Duration.ofMinutes(5)), StartChecks.TICK);

            List<String> rest = fixture.publishedRuns().stream().map(RunRecord::runId).toList();
            assertThat(rest).doesNotHaveDuplicates().hasSize(30 * 60 + 4 - 100) // to 12:04, whose grace ran out
                    .last().isEqualTo("minutely@2026-11-28T12:04:00Z");
            List<String> expected = new ArrayList<>();
            for (Instant slot = NOW.minus(Duration.ofHours(30)).plus(Duration.ofMinutes(101));
                 !slot.isAfter(NOW.plus(Duration.ofMinutes(4))); slot = slot.plus(Duration.ofMinutes(1))) {
                expected.add("minutely@" + slot.toString());
            }
            assertThat(rest).as("every minute after the first step, in order").isEqualTo(expected);
        }
    }

    /**
     * A script first seen with a scheduleSince older than the runs are kept (the scheduler's state lost, say) expects
     * nothing from before that: the runs that kept those slots may be gone, and each would read as missed.
     */
    @Test
    void aScriptNeverDecidedLooksBackAWeekAtMost() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.putPolicy(new ScriptPolicy("ancient", null, "0 3 * * *", null, GRACE, false, NOW.minus(Duration.ofDays(100))));

            fixture.advanceTo(NOW.plus(StartChecks.TICK), StartChecks.TICK);

            // its scheduler state lost with the runs older than script-events keeps: older slots would all read missed
            assertThat(fixture.publishedRuns()).extracting(RunRecord::runId).hasSize(7)
                    .startsWith("ancient@2026-11-22T03:00:00Z").endsWith("ancient@2026-11-28T03:00:00Z");
        }
    }

    /**
     * 400 per-minute scripts whose names are 256 characters, nearly all emoji (12 bytes of JSON each): a check of
     * 1,000 of their slots was 3 MB, which Kafka refuses, and the streams stopped. Every record a check writes stays
     * far below the topic's limit, and every slot is still decided once.
     */
    @Test
    void checksOfManyLongEmojiNamesStayFarBelowTheRecordLimitAndDecideEverySlotOnce() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            TestOutputTopic<String, byte[]> written = fixture.driver.createOutputTopic(Topics.SCRIPT_EVENTS,
                    new StringDeserializer(), new ByteArrayDeserializer());
            List<String> scripts = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String name = "\uD83D\uDE00".repeat(253) + String.format("%03d", i);
                scripts.add(name);
                fixture.putPolicy(new ScriptPolicy(name, null, "* * * * *", null, GRACE, false, NOW.minus(Duration.ofMinutes(3))));
            }

            fixture.advanceTo(NOW.plus(Duration.ofMinutes(3)), StartChecks.TICK);

            int limit = Integer.parseInt(TopicSpec.named(Topics.SCRIPT_EVENTS).config().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG));
            List<TestRecord<String, byte[]>> records = written.readRecordsToList();
            assertThat(records).isNotEmpty().allSatisfy(record -> assertThat(record.key().getBytes(StandardCharsets.UTF_8).length
                    + record.value().length).as("a record on script-events").isLessThan(limit / 3));
            KeyValueStore<String, StartCheckProgress> checks = fixture.driver.getKeyValueStore(StoreNames.START_CHECKS);
            try (KeyValueIterator<String, StartCheckProgress> it = checks.all()) {
                it.forEachRemaining(check -> assertThat(Json.bytes(check.value).length).as("a check's bookkeeping")
                        .isLessThan(limit / 3));
            }
            List<String> expected = new ArrayList<>();
            for (Instant slot = NOW.minus(Duration.ofMinutes(2)); !slot.isAfter(NOW.plus(Duration.ofMinutes(2)));
                 slot = slot.plus(Duration.ofMinutes(1))) {
                for (String script : scripts) {
                    expected.add(script + "@" + slot);
                }
            }
            assertThat(fixture.publishedRuns()).extracting(RunRecord::runId).as("every slot once")
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void aPausedScriptAndSlotsBeforeTheScheduleWasSetExpectNothing() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.putPolicy(new ScriptPolicy("resting", null, "*/5 * * * *", null, GRACE, true, NOW));
            fixture.putPolicy(new ScriptPolicy("newcomer", null, "*/5 * * * *", null, GRACE,
                    false, NOW.plus(Duration.ofMinutes(12))));
            fixture.advanceTo(NOW.plus(Duration.ofMinutes(18)), StartChecks.TICK);

            assertThat(fixture.publishedRuns()).extracting(RunRecord::runId)
                    .as("only the newcomer's slot after it got its schedule").containsExactly("newcomer@2026-11-28T12:15:00Z");
        }
    }

    @Test
    void scriptsThatShareAScheduleEachHaveTheSlotsOfTheirOwnGraceAndScheduleSince() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.putPolicy(everyFiveMinutes("one-minute"));
            fixture.putPolicy(new ScriptPolicy("three-minutes", null, "*/5 * * * *", "UTC", Duration.ofMinutes(3), false, NOW));
            fixture.putPolicy(new ScriptPolicy("since-12-12", null, "*/5 * * * *", "UTC", GRACE, false,
                    NOW.plus(Duration.ofMinutes(12))));
            fixture.advanceTo(NOW.plus(Duration.ofMinutes(17)).plusSeconds(30), StartChecks.TICK);

            assertThat(fixture.publishedRuns()).extracting(RunRecord::runId).containsExactlyInAnyOrder(
                    "one-minute@2026-11-28T12:05:00Z", "one-minute@2026-11-28T12:10:00Z", "one-minute@2026-11-28T12:15:00Z",
                    "three-minutes@2026-11-28T12:05:00Z", "three-minutes@2026-11-28T12:10:00Z",
                    "since-12-12@2026-11-28T12:15:00Z");
        }
    }

    @Test
    void aForgedMissedSlotForAnotherRunIdIsDeadLetteredAndRecordsNothing() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.events.pipeInput(new TestRecord<>("someone-else",
                    ("{\"slot\":{\"scriptName\":\"backup\",\"slot\":\"2026-11-28T11:00:00Z\",\"grace\":\"PT1M\"},"
                            + "\"checkId\":\"check-x\",\"foundAt\":\"2026-11-28T11:30:00Z\"}").getBytes(),
                    new RecordHeaders(
                            ControlRecord.MISSED_SLOT.headers().toArray()), NOW));

            assertThat(fixture.deadLetters.readRecordsToList()).hasSize(1);
            assertThat(fixture.publishedRuns()).isEmpty();
        }
    }

    @Test
    void forgedChecksAndAnswersDecideNothingTheyMayNot() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.started("kept", "victim", NOW.minus(Duration.ofDays(1)));
            fixture.publishedRuns();
            // a slot whose grace has not run out by the check's asOf
            control(fixture, ControlRecord.START_CHECK, "c1", "{\"checkId\":\"c1\",\"asOf\":\"" + NOW
                    + "\",\"slots\":[{\"scriptName\":\"victim\",\"slot\":\"2026-11-28T13:00:00Z\",\"grace\":\"PT1S\"}]}");
            // an answer of 20,000 positions, which would have made the check's bookkeeping too large for Kafka
            control(fixture, ControlRecord.START_CHECK_PART, "c2", "{\"checkId\":\"c2\",\"partition\":0,"
                    + "\"kept\":[" + "0,".repeat(19_999) + "0],\"digest\":0}");
            // an answer to another list than the check's, given before the check: the home does not count it
            control(fixture, ControlRecord.START_CHECK_PART, "c3",
                    "{\"checkId\":\"c3\",\"partition\":0,\"kept\":[],\"digest\":42}");
            control(fixture, ControlRecord.START_CHECK, "c3", "{\"checkId\":\"c3\",\"asOf\":\"" + NOW
                    + "\",\"slots\":[{\"scriptName\":\"victim\",\"slot\":\"2026-11-27T00:00:00Z\",\"grace\":\"P1D\"}]}");

            // a check of 1,000 slots of long emoji names, 3 MB: its home would keep it in one changelogged record
            String names = "\"" + String.join("\",\"", java.util.Collections.nCopies(1_000, "\uD83D\uDE00".repeat(256))) + "\"";
            control(fixture, ControlRecord.START_CHECK, "c4", "{\"checkId\":\"c4\",\"asOf\":\"" + NOW
                    + "\",\"slots\":[{\"slot\":\"2026-11-27T00:00:00Z\",\"grace\":\"PT1M\",\"scripts\":[" + names + "]}]}");

            assertThat(fixture.deadLetters.readRecordsToList()).hasSize(3);
            assertThat(fixture.publishedRuns()).as("the victim's start keeps its slot; nothing is recorded missed").isEmpty();
        }
    }

    @Test
    void malformedGroupsOfSlotsAreDeadLetteredAndAWellFormedOneIsDecided() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            String asOf = "\"asOf\":\"" + NOW + "\"";
            String slot = "\"slot\":\"2026-11-28T11:00:00Z\",\"grace\":\"PT1M\"";
            control(fixture, ControlRecord.START_CHECK, "c1", "{\"checkId\":\"c1\"," + asOf
                    + ",\"slots\":[{\"scriptName\":\"x\"," + slot + ",\"scripts\":[\"y\"]}]}");
            control(fixture, ControlRecord.START_CHECK, "c2", "{\"checkId\":\"c2\"," + asOf
                    + ",\"slots\":[{" + slot + ",\"scripts\":[\"y\",null]}]}");
            control(fixture, ControlRecord.START_CHECK, "c3", "{\"checkId\":\"c3\"," + asOf + ",\"slots\":[null]}");
            control(fixture, ControlRecord.START_CHECK, "c4", "{\"checkId\":\"c4\"," + asOf
                    + ",\"slots\":[{" + slot + ",\"scripts\":[" + "\"s\",".repeat(StartChecks.SLOTS_PER_CHECK) + "\"s\"]}]}");
            control(fixture, ControlRecord.START_CHECK, "c5", "{\"checkId\":\"c5\"," + asOf
                    + ",\"slots\":[{\"slot\":\"2026-11-28T11:00:00Z\",\"scripts\":[\"y\"]}]}");
            control(fixture, ControlRecord.START_CHECK, "c7", "{\"checkId\":\"c7\"," + asOf
                    + ",\"slots\":[{\"slot\":\"2026-11-28T11:00:00.0005Z\",\"grace\":\"PT1M\",\"scripts\":[\"y\"]}]}");
            control(fixture, ControlRecord.START_CHECK, "c8", "{\"checkId\":\"c8\"," + asOf + ",\"more\":\"yes\""
                    + ",\"slots\":[{" + slot + ",\"scripts\":[\"y\"]}]}");
            assertThat(fixture.deadLetters.readRecordsToList()).hasSize(7)
                    .allSatisfy(dead -> assertThat(new String(dead.headers().lastHeader("runwarden.dlq.reason").value()))
                            .isEqualTo("bad-control"));

            // more of its tick said to follow, which never come: decided all the same
            control(fixture, ControlRecord.START_CHECK, "c6", "{\"checkId\":\"c6\"," + asOf + ",\"more\":true"
                    + ",\"slots\":[{" + slot + ",\"scripts\":[\"quiet\"]}]}");
            assertThat(fixture.publishedRuns()).extracting(RunRecord::runId).containsExactly("quiet@2026-11-28T11:00:00Z");
            assertThat(fixture.deadLetters.isEmpty()).isTrue();
        }
    }

    private static void control(TopologyFixture fixture, ControlRecord kind, String key, String json) {
        fixture.events.pipeInput(new TestRecord<>(key, json.getBytes(),
                new RecordHeaders(kind.headers().toArray()), NOW));
    }

    private static ScriptPolicy everyFiveMinutes(String script) {
        return new ScriptPolicy(script, null, "*/5 * * * *", "UTC", GRACE, false, NOW);
    }
}
