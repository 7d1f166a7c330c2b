package io.runwarden.stream;

import io.runwarden.model.Trigger;
import io.runwarden.alerts.BatchDone;
import io.runwarden.model.Alert;
import io.runwarden.kafka.StoreNames;
import io.runwarden.kafka.DeadLetterHandler;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Bounds;
import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.schedule.ExpectedSlot;
import io.runwarden.schedule.StartCheck;
import io.runwarden.schedule.StartCheckProgress;
import io.runwarden.sweep.SweepPart;
import io.runwarden.sweep.SweepProgress;
import io.runwarden.sweep.SweepRequest;
import io.runwarden.stream.HostileInputs.Hostile;
import io.runwarden.stream.HostileRecords.Harness;
import io.runwarden.stream.HostileInputs.Verdict;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static io.runwarden.stream.HostileRecords.ALERT_FEED;
import static io.runwarden.stream.HostileRecords.VICTIM;
import static io.runwarden.stream.HostileRecords.assertDeadLetter;
import static io.runwarden.stream.HostileRecords.assertRunWithinBounds;
import static io.runwarden.stream.HostileRecords.header;
import static io.runwarden.stream.HostileRecords.isBatchId;
import static io.runwarden.stream.HostileRecords.isGeneratedId;
import static io.runwarden.stream.HostileRecords.isId;
import static io.runwarden.stream.TopologyFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Hostile records on {@code script-events} (lifecycle events and control records, among them forged missed-start
 * checks and pings) and on {@code <application>-alert-outcomes}, through the real topology in a
 * {@link TopologyTestDriver}. After each: the driver did not throw (a processing error that the handler does not turn
 * into a dead letter is rethrown by the driver, as it would stop the streams), a bad record is in
 * {@code script-events-dlq} with its original key and bytes and a reason that quotes at most 256 characters of the
 * value, nothing runwarden writes exceeds its topic's limit, no forged record fails the victim run or records as
 * missed a slot that a start of the victim's script kept, and at the end a good event is applied and a sweep
 * completes. The settings topics are in {@link HostileSettingsProperties}.
 */
class HostileEventsProperties {

    // ---- script-events: lifecycle events -------------------------------------------------------------------

    @Property(tries = 60)
    void hostileLifecycleEventsAreDeadLetteredOrKeptWithinBoundsAndTheStreamGoesOn(
            @ForAll("lifecycleEventsLists") List<Hostile> records) {
        try (Harness h = new Harness()) {
            for (Hostile record : records) {
                h.call("pipe " + record, () -> h.events.pipeInput(h.record(record)));
                Map<String, List<TestRecord<byte[], byte[]>>> out = h.drain();
                h.assertSizes(record, out);
                List<TestRecord<byte[], byte[]>> dead = out.getOrDefault(Topics.SCRIPT_EVENTS_DLQ, List.of());
                if (record.verdict() == Verdict.BAD) {
                    assertThat(dead).as("dead letters of a bad event: %s", record).hasSize(1);
                }
                assertThat(dead).as("dead letters of %s", record).hasSizeLessThanOrEqualTo(1);
                if (dead.isEmpty()) {
                    assertThat(out.getOrDefault(Topics.SCRIPT_RUNS, List.of())).as("runs of %s", record)
                            .allSatisfy(r -> assertRunWithinBounds(r, record));
                } else {
                    assertDeadLetter(dead.get(0), record, true);
                    assertThat(out.getOrDefault(Topics.SCRIPT_RUNS, List.of())).as("a dead letter changes no run: %s", record)
                            .isEmpty();
                }
            }
            h.assertGoodEventApplied();
            h.assertSweepCompletes();
        }
    }

    // ---- script-events: control records --------------------------------------------------------------------

    /** Each forged control record also makes nothing larger than its topic takes. */
    @Property(tries = 80)
    void hostileControlRecordsNeverStopTheStreamFailARunOrCompleteASweep(
            @ForAll("controlRecordsLists") List<Hostile> records) {
        controlRecords(records);
    }

    /** Each forged check or ping also makes nothing larger than its topic takes. */
    @Property(tries = 70)
    void forgedCheckAndPingRecordsNeverStopTheStreamFailTheVictimOrRecordAKeptSlotAsMissed(
            @ForAll("checkAndPingRecordsLists") List<Hostile> records) {
        controlRecords(records);
    }

    private void controlRecords(List<Hostile> records) {
        try (Harness h = new Harness()) {
            SweepRequest inFlight = new SweepRequest(HostileInputs.IN_FLIGHT_SWEEP, Trigger.MANUAL, NOW, null);
            h.call("in-flight sweep", () -> h.fixture.sweeps().put(inFlight.sweepId(), new SweepProgress(inFlight,
                    HostileInputs.IN_FLIGHT_PARTS, new TreeMap<>(Map.of(0, SweepPart.none(inFlight.sweepId(), 0))), null)));
            // a check the scheduler wrote, read on its home partition, waiting for partition 0's answer: it lists the
            // victim's slot, which that answer will say was kept, and a slot that nothing kept
            StartCheck check = new StartCheck(HostileInputs.IN_FLIGHT_CHECK, NOW.minusSeconds(10), List.of(
                    new ExpectedSlot(HostileInputs.VICTIM_SCRIPT, HostileInputs.VICTIM_START, Duration.ofMinutes(1)),
                    new ExpectedSlot("unkept-script", NOW.minus(Duration.ofHours(2)), Duration.ofMinutes(1))));
            h.call("in-flight check", () -> h.fixture.driver.<String, StartCheckProgress>getKeyValueStore(StoreNames.START_CHECKS)
                    .put(check.checkId(), new StartCheckProgress(check, new TreeMap<>(), false, NOW.minusSeconds(10))));
            h.drain();
            // a well-formed missed slot, or answer to a check, is a verdict, trusted as a failed event is (whoever writes
            // to script-events can fail any run): once one is in, a kept slot may be recorded missed; a forged check or
            // ping must never make it so
            boolean verdictForged = false;
            for (Hostile record : records) {
                h.call("pipe " + record, () -> h.events.pipeInput(h.record(record)));
                verdictForged |= record.verdict() != Verdict.BAD && HostileInputs.carriesAVerdict(record);
                Map<String, List<TestRecord<byte[], byte[]>>> out = h.drain();
                h.assertSizes(record, out);
                List<TestRecord<byte[], byte[]>> dead = out.getOrDefault(Topics.SCRIPT_EVENTS_DLQ, List.of());
                if (record.verdict() == Verdict.BAD) {
                    assertThat(dead).as("dead letters of a bad control record: %s", record).hasSize(1);
                    assertDeadLetter(dead.get(0), record, true);
                } else if (record.verdict() == Verdict.GOOD) {
                    assertThat(dead).as("dead letters of a good control record: %s", record).isEmpty();
                }
                for (TestRecord<byte[], byte[]> letter : dead) {
                    assertDeadLetter(letter, record, false);
                }
                assertThat(out.getOrDefault(Topics.SCRIPT_RUN_FAILURES, List.of())).as("runs failed by %s", record).isEmpty();
                assertThat(out.getOrDefault(Topics.SCRIPT_RUNS, List.of())).as("runs of %s", record)
                        .filteredOn(r -> r.value() != null).allSatisfy(r -> assertRunWithinBounds(r, record));
                RunRecord victim = h.run(VICTIM);
                assertThat(victim.status()).as("the victim after %s", record).isEqualTo(RunStatus.IN_PROGRESS);
                assertThat(victim.failureReason()).as("the victim after %s", record).isNull();
                assertThat(h.fixture.sweepResult(HostileInputs.IN_FLIGHT_SWEEP))
                        .as("the in-flight sweep (parts %s) after %s", h.fixture.sweeps().get(HostileInputs.IN_FLIGHT_SWEEP).parts().keySet(), record)
                        .isNull();
                h.assertEverySweepWithinBounds(record);
                if (!verdictForged) {
                    h.assertNoKeptSlotMissed(record);
                }
            }
            if (!verdictForged) {
                // the victim script starts again, later: a slot there was kept, even if a forged check judged it before
                h.call("the victim script's later start", () -> h.fixture.started("victim-later", HostileInputs.VICTIM_SCRIPT,
                        HostileInputs.VICTIM_LATER_START));
                h.drain();
                h.assertNoKeptSlotMissed("after " + records);
            }
            h.assertGoodEventApplied();
            h.assertSweepCompletes();
        }
    }

    // ---- <application>-alert-outcomes ----------------------------------------------------------------------

    /**
     * A bad record on the alert outcomes is dead-lettered as bad-alert-outcome with its key and bytes, and raises no
     * alert; a good one raises alerts within the bounds of a run; a batch's end goes on to the feed; afterwards a real
     * failure still raises its alert, and the stream goes on.
     */
    @Property(tries = 40)
    void hostileAlertOutcomesAreDeadLetteredAndAlertsGoOn(@ForAll("alertOutcomesLists") List<Hostile> records) {
        try (Harness h = new Harness()) {
            for (Hostile record : records) {
                h.call("pipe " + record, () -> h.outcomes.pipeInput(h.record(record)));
                Map<String, List<TestRecord<byte[], byte[]>>> out = h.drain();
                h.assertSizes(record, out);
                List<TestRecord<byte[], byte[]>> dead = out.getOrDefault(Topics.SCRIPT_EVENTS_DLQ, List.of());
                List<TestRecord<byte[], byte[]>> alerts = out.getOrDefault(Topics.SCRIPT_ALERTS, List.of());
                List<TestRecord<byte[], byte[]>> fed = out.getOrDefault(ALERT_FEED, List.of());
                if (record.verdict() == Verdict.BAD) {
                    assertThat(dead).as("dead letters of a bad outcome: %s", record).hasSize(1);
                } else if (record.verdict() == Verdict.GOOD) {
                    assertThat(dead).as("dead letters of a good outcome: %s", record).isEmpty();
                }
                assertThat(dead).as("dead letters of %s", record).hasSizeLessThanOrEqualTo(1);
                for (TestRecord<byte[], byte[]> letter : dead) {
                    assertDeadLetter(letter, record, true);
                    assertThat(header(letter, DeadLetterHandler.REASON)).as("reason of the dead letter of %s", record)
                            .isEqualTo("bad-alert-outcome");
                    assertThat(alerts).as("a dead letter raises no alert: %s", record).isEmpty();
                    assertThat(fed).as("a dead letter feeds nothing: %s", record).isEmpty();
                }
                alerts.forEach(alert -> assertAlertWithinBounds(alert, record));
                boolean batchEnd = record.headers().stream().anyMatch(header -> header.key().equals(BatchDone.HEADER));
                if (batchEnd && dead.isEmpty()) {
                    assertThat(fed).as("the end of a batch of one run partition goes on to the feed: %s", record)
                            .anySatisfy(r -> assertThat(r.headers().lastHeader(BatchDone.HEADER)).isNotNull());
                }
            }
            String runId = "real-" + UUID.randomUUID();
            h.call("a real failure", () -> {
                h.fixture.started(runId, "real-script", NOW.minusSeconds(60));
                h.fixture.ended(runId, "failed", NOW, "exit 1");
            });
            assertThat(h.drain().getOrDefault(Topics.SCRIPT_ALERTS, List.of())).as("alerts of a real failure after %s", records)
                    .anySatisfy(r -> assertThat(Json.read(r.value(), Alert.class).alertId()).isEqualTo("failed:" + runId));
            h.assertGoodEventApplied();
            h.assertSweepCompletes();
        }
    }

    static void assertAlertWithinBounds(TestRecord<byte[], byte[]> published, Hostile cause) {
        Alert alert = Json.read(published.value(), Alert.class);
        assertThat(new String(published.key(), StandardCharsets.UTF_8)).as("key of %s raised by %s", alert, cause)
                .isEqualTo(alert.scriptName());
        assertThat(isId(alert.scriptName())).as("scriptName of an alert raised by %s", cause).isTrue();
        assertThat(isGeneratedId(alert.runId())).as("runId of an alert raised by %s", cause).isTrue();
        assertThat(alert.kind()).as("kind of an alert raised by %s", cause).isNotNull();
        assertThat(alert.time()).as("time of an alert raised by %s", cause).isNotNull().isBetween(Bounds.MIN_INSTANT, Bounds.MAX_INSTANT);
        assertThat(alert.message() == null ? 0 : alert.message().length()).as("message of an alert raised by %s", cause)
                .isLessThanOrEqualTo(Bounds.MAX_MESSAGE_CHARS);
        for (String batch : Arrays.asList(alert.sweepId(), alert.checkId())) {
            assertThat(batch == null || isBatchId(batch)).as("batch of an alert raised by %s", cause).isTrue();
        }
    }

    // ---- generators ----------------------------------------------------------------------------------------

    @Provide
    Arbitrary<List<Hostile>> lifecycleEventsLists() {
        return HostileInputs.lifecycleEvents().list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Hostile>> controlRecordsLists() {
        return HostileInputs.controlRecords().list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Hostile>> checkAndPingRecordsLists() {
        return HostileInputs.checkAndPingRecords().list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Hostile>> alertOutcomesLists() {
        return HostileInputs.alertOutcomes().list().ofMinSize(1).ofMaxSize(4);
    }
}
