package io.runwarden.stream;

import io.runwarden.LogLines;
import io.runwarden.model.Trigger;
import io.runwarden.alerts.BatchDone;
import io.runwarden.model.Alert;
import io.runwarden.notify.Channel;
import io.runwarden.notify.ChannelJson;
import io.runwarden.notify.ChannelRules;
import io.runwarden.kafka.StoreNames;
import io.runwarden.kafka.DeadLetterHandler;
import io.runwarden.metrics.RunwardenMeters;

import io.micrometer.core.instrument.Counter;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Bounds;
import io.runwarden.model.Json;
import io.runwarden.model.FailureReason;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.schedule.ExpectedSlot;
import io.runwarden.schedule.StartCheck;
import io.runwarden.schedule.StartCheckProgress;
import io.runwarden.sweep.SweepPart;
import io.runwarden.sweep.SweepProgress;
import io.runwarden.sweep.SweepRequest;
import io.runwarden.stream.HostileInputs.Hostile;
import io.runwarden.stream.HostileInputs.Verdict;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.runwarden.stream.TopologyFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Hostile records on every input topic (script-events: lifecycle events and control records; cron-config;
 * script-policies), through the real topology in a {@link TopologyTestDriver}. After each: the driver did not
 * throw (a processing error that the handler does not turn into a dead letter is rethrown by the driver, as it
 * would stop the streams), a bad event is in {@code script-events-dlq} with its original key and bytes and a reason
 * that quotes at most 256 characters of the value, nothing runwarden writes exceeds its topic's limit, and at the
 * end a good event is applied and a sweep completes. Forged records of missed-start checks and pings (issue 12) are
 * dead-lettered as bad-control when they break their form, and none fails the victim run or records as missed a slot
 * that a start of the victim's script kept; hostile policies that are kept have their slots checked, within bounds.
 *
 * <p>TopologyTestDriver in Kafka 4.4 does honour {@code processing.exception.handler}: the records of the handler's
 * {@code Response.resume(...)} come out on {@code script-events-dlq} (see {@link DeadLetterTest}). It has no broker
 * and so no record size limit: the sizes are checked here against the limits of a default broker.
 */
class HostileRecordsProperties {
    /** A run record is small: ids ≤ 256 chars, a message ≤ 8,192 chars. */
    static final int RUN_LIMIT = 64 * 1024;
    /** What a default broker (message.max.bytes 1048588) takes, less room for the batch overhead. */
    static final int TOPIC_LIMIT = 1_000_000;
    /** script-events-dlq accepts records at least 64 KiB larger than script-events does. */
    static final int DLQ_EXTRA = 64 * 1024;
    /** A run whose deadline (now + 2 days) no forged control record may reach. */
    static final String VICTIM = "victim";
    static final Duration CALL_CEILING = Duration.ofSeconds(30);
    static final String ALERT_OUTCOMES = Topics.alertOutcomes(TopologyFixture.APPLICATION);
    static final String ALERT_FEED = Topics.alertFeed(TopologyFixture.APPLICATION);

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

    @Property(tries = 60)
    void deadLetterHeadersHoldNoRawControlCharacters(@ForAll("lifecycleEvents") Hostile record) {
        try (Harness h = new Harness()) {
            h.call("pipe " + record, () -> h.events.pipeInput(h.record(record)));
            for (TestRecord<byte[], byte[]> dead : h.drain().getOrDefault(Topics.SCRIPT_EVENTS_DLQ, List.of())) {
                for (Header header : dead.headers()) {
                    if (header.key().startsWith("runwarden.dlq.")) {
                        String text = new String(header.value(), StandardCharsets.UTF_8);
                        assertThat(text.chars().noneMatch(Character::isISOControl))
                                .as("header %s = %s of %s: a value must not forge a log line", header.key(),
                                        HostileInputs.describe(text), record).isTrue();
                    }
                }
            }
        }
    }

    // ---- script-events: control records --------------------------------------------------------------------

    @Property(tries = 60)
    void hostileControlRecordsNeverStopTheStreamFailARunOrCompleteASweep(
            @ForAll("controlRecordsLists") List<Hostile> records) {
        controlRecords(records, false);
    }

    @Property(tries = 50)
    void hostileControlRecordsMakeNoRecordLargerThanItsTopicTakes(@ForAll("controlRecordsLists") List<Hostile> records) {
        controlRecords(records, true);
    }

    @Property(tries = 60)
    void forgedCheckAndPingRecordsNeverStopTheStreamFailTheVictimOrRecordAKeptSlotAsMissed(
            @ForAll("checkAndPingRecordsLists") List<Hostile> records) {
        controlRecords(records, false);
    }

    @Property(tries = 30)
    void forgedCheckAndPingRecordsMakeNoRecordLargerThanItsTopicTakes(@ForAll("checkAndPingRecordsLists") List<Hostile> records) {
        controlRecords(records, true);
    }

    private void controlRecords(List<Hostile> records, boolean checkSizes) {
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
                if (checkSizes) {
                    h.assertSizes(record, out);
                    continue;
                }
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
            if (!checkSizes && !verdictForged) {
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

    // ---- global topics -------------------------------------------------------------------------------------

    @Property(tries = 50)
    void hostileCronJobsAreSkippedAndNeverStopTheScheduler(@ForAll("cronJobsLists") List<Hostile> records) {
        cronJobs(records, false);
    }

    @Property(tries = 50)
    void skippedCronJobsAreCountedAsDeadLetters(@ForAll("cronJobsLists") List<Hostile> records) {
        cronJobs(records, true);
    }

    private void cronJobs(List<Hostile> records, boolean checkCount) {
        try (Harness h = new Harness()) {
            for (Hostile record : records) {
                double counted = h.deadLettersCounted();
                h.call("pipe " + record, () -> h.cronConfig.pipeInput(h.record(record)));
                // the scheduler evaluates every job each second on partition 0's task
                h.call("scheduler after " + record, () -> h.fixture.driver.advanceWallClockTime(Duration.ofSeconds(61)));
                h.assertSizes(record, h.drain());
                Object stored = h.fixture.driver.getKeyValueStore(StoreNames.CRON_JOBS).get(record.keyText());
                if (record.verdict() == Verdict.BAD) {
                    assertThat(stored).as("a bad job is not kept: %s", record).isNull();
                    if (checkCount) {
                        assertThat(h.deadLettersCounted()).as("runwarden_dead_letters_total counts %s", record).isGreaterThan(counted);
                    }
                } else if (record.verdict() == Verdict.GOOD) {
                    assertThat(stored).as("a good job is kept: %s", record).isNotNull();
                }
            }
            h.call("scheduler", () -> h.fixture.driver.advanceWallClockTime(Duration.ofMinutes(2)));
            h.drain();
            h.assertGoodEventApplied();
            h.assertSweepCompletes();
        }
    }

    @Property(tries = 50)
    void hostilePoliciesAreSkippedAndTheirScriptsStartSafely(@ForAll("policiesLists") List<Hostile> records) {
        policies(records, false);
    }

    @Property(tries = 50)
    void skippedPoliciesAreCountedAsDeadLetters(@ForAll("policiesLists") List<Hostile> records) {
        policies(records, true);
    }

    private void policies(List<Hostile> records, boolean checkCount) {
        try (Harness h = new Harness()) {
            for (Hostile record : records) {
                double counted = h.deadLettersCounted();
                h.call("pipe " + record, () -> h.policies.pipeInput(h.record(record)));
                // partition 0's task looks for slots whose grace ran out every 10 s: a kept policy's slots are checked
                h.call("start checks after " + record, () -> h.fixture.driver.advanceWallClockTime(Duration.ofSeconds(61)));
                Map<String, List<TestRecord<byte[], byte[]>>> checked = h.drain();
                h.assertSizes(record, checked);
                assertThat(checked.getOrDefault(Topics.SCRIPT_EVENTS_DLQ, List.of())).as("dead letters after %s", record).isEmpty();
                assertThat(checked.getOrDefault(Topics.SCRIPT_RUNS, List.of())).as("runs after %s", record)
                        .filteredOn(r -> r.value() != null).allSatisfy(r -> assertRunWithinBounds(r, record));
                Object stored = h.fixture.driver.getKeyValueStore(StoreNames.POLICIES).get(record.keyText());
                if (record.verdict() == Verdict.BAD) {
                    assertThat(stored).as("a bad policy is not kept: %s", record).isNull();
                    if (checkCount) {
                        assertThat(h.deadLettersCounted()).as("runwarden_dead_letters_total counts %s", record).isGreaterThan(counted);
                    }
                } else if (record.verdict() == Verdict.GOOD) {
                    assertThat(stored).as("a good policy is kept: %s", record).isNotNull();
                }
                String script = record.keyText();
                if (!isId(script)) {
                    continue;
                }
                // an ordinary start of that script, at the last instant the bounds allow and now
                for (String time : List.of("9999-12-31T23:59:59Z", NOW.toString())) {
                    String runId = "p-" + UUID.randomUUID();
                    Hostile start = new Hostile("start of " + HostileInputs.describe(script) + " at " + time + " under " + record,
                            runId.getBytes(StandardCharsets.UTF_8), ("{\"event\":\"started\",\"scriptName\":" + HostileInputs.str(script)
                            + ",\"time\":\"" + time + "\"}").getBytes(StandardCharsets.UTF_8), List.of(), Verdict.EITHER,
                            java.util.Set.of(), List.of());
                    h.call("pipe " + start, () -> h.events.pipeInput(h.record(start)));
                    Map<String, List<TestRecord<byte[], byte[]>>> out = h.drain();
                    h.assertSizes(start, out);
                    List<TestRecord<byte[], byte[]>> dead = out.getOrDefault(Topics.SCRIPT_EVENTS_DLQ, List.of());
                    if (dead.isEmpty()) {
                        assertThat(out.getOrDefault(Topics.SCRIPT_RUNS, List.of())).as("runs of %s", start).hasSize(1)
                                .allSatisfy(r -> assertRunWithinBounds(r, start));
                    } else {
                        assertDeadLetter(dead.get(0), start, true);
                    }
                }
            }
            h.assertGoodEventApplied();
            h.assertSweepCompletes();
        }
    }

    // ---- notification-channels -----------------------------------------------------------------------------

    /** What a skipped channel record is counted as in runwarden_dead_letters_total. */
    static final String INVALID_CHANNEL = "invalid-" + StoreNames.CHANNELS;

    /**
     * A bad channel record is not kept (a channel kept before under its name is removed) and is counted; a good one is
     * kept exactly as {@link ChannelRules#checked} makes it; a tombstone removes the channel, uncounted; no log line
     * quotes a secret, routing key or URL; and the stream goes on.
     */
    @Property(tries = 40)
    void hostileChannelsAreSkippedAndCountedOrKeptAsTheRulesMakeThem(@ForAll("channelsLists") List<Hostile> records) {
        try (Harness h = new Harness(); LogLines logs = LogLines.capture()) {
            for (Hostile record : records) {
                double counted = h.deadLettersCounted(INVALID_CHANNEL);
                h.call("pipe " + record, () -> h.channels.pipeInput(h.record(record)));
                h.assertSizes(record, h.drain());
                boolean skipped = h.deadLettersCounted(INVALID_CHANNEL) > counted;
                String key = record.keyText();
                Channel stored = key == null ? null : h.get("read " + record,
                        () -> h.fixture.driver.<String, Channel>getKeyValueStore(StoreNames.CHANNELS).get(key));
                if (record.value() == null) {
                    assertThat(stored).as("a tombstone removes the channel: %s", record).isNull();
                    if (record.verdict() != Verdict.EITHER) {
                        assertThat(skipped).as("a tombstone is counted only when its key is bad: %s", record)
                                .isEqualTo(record.verdict() == Verdict.BAD);
                    }
                    continue;
                }
                if (record.verdict() == Verdict.BAD) {
                    assertThat(stored).as("a bad channel is not kept: %s", record).isNull();
                    assertThat(skipped).as("runwarden_dead_letters_total{reason=%s} counts %s", INVALID_CHANNEL, record).isTrue();
                    continue;
                }
                if (record.verdict() == Verdict.GOOD) {
                    assertThat(skipped).as("a good channel is no dead letter: %s", record).isFalse();
                    assertThat(stored).as("a good channel is kept: %s", record).isNotNull();
                }
                if (skipped) {
                    assertThat(stored).as("a skipped channel is not kept: %s", record).isNull();
                } else {
                    assertThat(stored).as("the channel kept of %s", record)
                            .isEqualTo(ChannelRules.checked(key, ChannelJson.read(record.value())));
                }
            }
            assertThat(logs.lines()).as("log lines while hostile channels were read").noneMatch(line -> line.contains(HostileInputs.CREDENTIAL));
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
    Arbitrary<Hostile> lifecycleEvents() {
        return HostileInputs.lifecycleEvents();
    }

    @Provide
    Arbitrary<List<Hostile>> lifecycleEventsLists() {
        return HostileInputs.lifecycleEvents().list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<Hostile> controlRecords() {
        return HostileInputs.controlRecords();
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
    Arbitrary<Hostile> cronJobs() {
        return HostileInputs.cronJobs();
    }

    @Provide
    Arbitrary<List<Hostile>> cronJobsLists() {
        return HostileInputs.cronJobs().list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<Hostile> policies() {
        return HostileInputs.policies();
    }

    @Provide
    Arbitrary<List<Hostile>> policiesLists() {
        return HostileInputs.policies().list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<Hostile>> alertOutcomesLists() {
        return HostileInputs.alertOutcomes().list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Hostile>> channelsLists() {
        return HostileInputs.channels().list().ofMinSize(1).ofMaxSize(4);
    }

    // ---- assertions ----------------------------------------------------------------------------------------

    static void assertDeadLetter(TestRecord<byte[], byte[]> dead, Hostile record, boolean isTheOriginal) {
        String reason = header(dead, DeadLetterHandler.REASON);
        assertThat(reason).as("reason of the dead letter of %s", record).isNotNull().matches("[a-z][a-z0-9-]{0,63}");
        if (isTheOriginal) {
            if (!record.reasons().isEmpty()) {
                assertThat(reason).as("reason of the dead letter of %s", record).isIn(record.reasons());
            }
            assertThat(dead.key()).as("original key of %s", record).isEqualTo(record.key());
            String truncated = header(dead, "runwarden.dlq.truncated");
            if (truncated == null) {
                assertThat(Arrays.equals(dead.value(), record.value())).as("original bytes of %s", record).isTrue();
            } else {
                // cut to fit the dead-letter topic: a prefix of the original, whose size the header gives
                assertThat(Integer.parseInt(truncated)).isEqualTo(record.value().length);
                assertThat(Arrays.equals(dead.value(), Arrays.copyOf(record.value(), dead.value().length)))
                        .as("a cut dead letter of %s holds the start of the original", record).isTrue();
            }
        }
        // internal-error is a bug met by the record: every input here is hostile on purpose, with a reason to say why
        assertThat(reason).as("reason of the dead letter of %s", record).isNotEqualTo("internal-error");
        for (Header header : dead.headers()) {
            if (!header.key().startsWith("runwarden.dlq.") || header.value() == null) {
                continue;
            }
            String text = new String(header.value(), StandardCharsets.UTF_8);
            assertThat(text.length()).as("header %s of the dead letter of %s", header.key(), record).isLessThanOrEqualTo(2_048);
            for (String longText : record.longTexts()) {
                assertThat(text).as("header %s quotes at most 256 characters of a value of %s", header.key(), record)
                        .doesNotContain(longText.substring(0, Bounds.MAX_QUOTE_CHARS + 1));
            }
        }
    }

    static void assertRunWithinBounds(TestRecord<byte[], byte[]> published, Hostile cause) {
        RunRecord run = Json.read(published.value(), RunRecord.class);
        assertThat(isGeneratedId(run.runId())).as("runId %s applied from %s", HostileInputs.describe(run.runId()), cause).isTrue();
        assertThat(run.scriptName() == null || isId(run.scriptName()))
                .as("scriptName %s applied from %s", HostileInputs.describe(run.scriptName()), cause).isTrue();
        for (Instant instant : Arrays.asList(run.startTime(), run.endTime(), run.lastHeartbeat())) {
            if (instant != null) {
                assertThat(instant).as("an instant of the run applied from %s", cause)
                        .isBetween(Bounds.MIN_INSTANT, Bounds.MAX_INSTANT);
            }
        }
        if (run.inProgress()) {
            assertThat(run.deadline()).as("deadline of the run applied from %s", cause).isNotNull();
        }
        if (run.maxRuntime() != null) {
            assertThat(run.maxRuntime()).as("maxRuntime of the run applied from %s", cause)
                    .isBetween(Bounds.MIN_DURATION, Bounds.MAX_DURATION);
        }
        assertThat(run.message() == null ? 0 : run.message().length()).as("message of %s", cause)
                .isLessThanOrEqualTo(Bounds.MAX_MESSAGE_CHARS);
    }

    static boolean isId(String value) {
        try {
            Bounds.id(value);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** An id within the bounds, or one runwarden generates from one (a missed slot's {@code {script}@{slot}}). */
    /** A sweep's or a check's id, within the one rule for them (up to 320 characters, an id within the first 256). */
    static boolean isBatchId(String value) {
        try {
            Bounds.batchId(value);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static boolean isGeneratedId(String value) {
        try {
            Bounds.generatedId(value);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static String header(TestRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The topology in a driver, with raw-bytes views of every topic, each call under a ceiling. */
    static final class Harness implements AutoCloseable {
        final TopologyFixture fixture = new TopologyFixture(Duration.ofDays(3), NOW);
        final TestInputTopic<byte[], byte[]> events = fixture.driver.createInputTopic(Topics.SCRIPT_EVENTS,
                new ByteArraySerializer(), new ByteArraySerializer(), NOW, Duration.ZERO);
        final TestInputTopic<byte[], byte[]> cronConfig = fixture.driver.createInputTopic(Topics.CRON_CONFIG,
                new ByteArraySerializer(), new ByteArraySerializer(), NOW, Duration.ZERO);
        final TestInputTopic<byte[], byte[]> policies = fixture.driver.createInputTopic(Topics.SCRIPT_POLICIES,
                new ByteArraySerializer(), new ByteArraySerializer(), NOW, Duration.ZERO);
        final TestInputTopic<byte[], byte[]> channels = fixture.driver.createInputTopic(Topics.NOTIFICATION_CHANNELS,
                new ByteArraySerializer(), new ByteArraySerializer(), NOW, Duration.ZERO);
        final TestInputTopic<byte[], byte[]> outcomes = fixture.driver.createInputTopic(
                Topics.alertOutcomes(TopologyFixture.APPLICATION), new ByteArraySerializer(), new ByteArraySerializer(), NOW, Duration.ZERO);
        private final ExecutorService caller = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "hostile-driver");
            thread.setDaemon(true);
            return thread;
        });

        Harness() {
            call("victim", () -> fixture.started(VICTIM, HostileInputs.VICTIM_SCRIPT, HostileInputs.VICTIM_START));
            drain();
        }

        TestRecord<byte[], byte[]> record(Hostile hostile) {
            return new TestRecord<>(hostile.key(), hostile.value(), new RecordHeaders(hostile.headers().toArray(new Header[0])), NOW);
        }

        /** Runs a driver call; a throw is the streams stopping, a call that never returns is a hung stream thread. */
        void call(String what, Runnable action) {
            Future<?> future = caller.submit(action);
            try {
                future.get(CALL_CEILING.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail("no answer within " + CALL_CEILING + " (a hung stream thread): " + what);
            } catch (ExecutionException e) {
                throw new AssertionError("the stream stops on " + what + ": " + rootCause(e.getCause()), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        <T> T get(String what, Callable<T> action) {
            Object[] result = new Object[1];
            call(what, () -> {
                try {
                    result[0] = action.call();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            @SuppressWarnings("unchecked") T value = (T) result[0];
            return value;
        }

        /** Everything written to any topic since the last call, by topic. */
        Map<String, List<TestRecord<byte[], byte[]>>> drain() {
            Map<String, List<TestRecord<byte[], byte[]>>> out = new LinkedHashMap<>();
            for (String topic : fixture.driver.producedTopicNames()) {
                List<TestRecord<byte[], byte[]>> records = fixture.driver.createOutputTopic(topic,
                        new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
                if (!records.isEmpty()) {
                    out.put(topic, records);
                }
            }
            return out;
        }

        void assertSizes(Hostile cause, Map<String, List<TestRecord<byte[], byte[]>>> out) {
            out.forEach((topic, records) -> {
                int limit = switch (topic) {
                    case Topics.SCRIPT_RUNS, Topics.SCRIPT_RUN_FAILURES, Topics.SCRIPT_ALERTS -> RUN_LIMIT;
                    case Topics.SCRIPT_EVENTS_DLQ -> Math.min(TOPIC_LIMIT, cause.size()) + DLQ_EXTRA;
                    // an alert and a run's outcome are bounded as a run is
                    default -> topic.equals(ALERT_OUTCOMES) || topic.equals(ALERT_FEED) ? RUN_LIMIT : TOPIC_LIMIT;
                };
                for (TestRecord<byte[], byte[]> record : records) {
                    assertThat(size(record)).as("a record runwarden writes to %s after %s (limit %d bytes)", topic, cause, limit)
                            .isLessThanOrEqualTo(limit);
                }
            });
        }

        RunRecord run(String runId) {
            return fixture.run(runId);
        }

        void assertEverySweepWithinBounds(Hostile cause) {
            KeyValueStore<String, SweepProgress> sweeps = fixture.sweeps();
            try (KeyValueIterator<String, SweepProgress> it = sweeps.all()) {
                while (it.hasNext()) {
                    KeyValue<String, SweepProgress> sweep = it.next();
                    Instant asOf = sweep.value.request().asOf();
                    assertThat(asOf).as("asOf of sweep %s after %s", HostileInputs.describe(sweep.key), cause)
                            .isBetween(Bounds.MIN_INSTANT, Bounds.MAX_INSTANT);
                }
            }
        }

        /**
         * No slot a start of the victim script kept is recorded as missed: one at the victim's start, whatever its grace,
         * nor one at the victim script's later start (applied after every forged record).
         */
        void assertNoKeptSlotMissed(Object cause) {
            for (Instant kept : List.of(HostileInputs.VICTIM_START, HostileInputs.VICTIM_LATER_START)) {
                RunRecord missed = run(HostileInputs.missedRunId(HostileInputs.VICTIM_SCRIPT, kept));
                if (missed != null) {
                    assertThat(missed.failureReason()).as("the victim script's slot at %s, which a start kept, is recorded "
                            + "as %s after %s", kept, missed, cause).isNotEqualTo(FailureReason.MISSED);
                }
            }
        }

        double deadLettersCounted() {
            return fixture.meters.find(RunwardenMeters.DEAD_LETTERS).counters().stream().mapToDouble(Counter::count).sum();
        }

        double deadLettersCounted(String reason) {
            return fixture.meters.find(RunwardenMeters.DEAD_LETTERS).tag("reason", reason).counters().stream()
                    .mapToDouble(Counter::count).sum();
        }

        void assertGoodEventApplied() {
            String runId = "good-" + UUID.randomUUID();
            call("good event", () -> fixture.started(runId, "good-script", NOW));
            Map<String, List<TestRecord<byte[], byte[]>>> out = drain();
            assertThat(out.getOrDefault(Topics.SCRIPT_RUNS, List.of())).as("script-runs after a good event")
                    .anySatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(runId));
            assertThat(run(runId).status()).isEqualTo(RunStatus.IN_PROGRESS);
        }

        void assertSweepCompletes() {
            assertThat(get("a sweep", () -> fixture.sweep(NOW))).as("a manual sweep as of now completes").isNotNull();
            assertThat(run(VICTIM).status()).as("the victim, due in two days").isEqualTo(RunStatus.IN_PROGRESS);
            drain();
        }

        @Override
        public void close() {
            caller.shutdownNow();
            fixture.close();
        }
    }

    static int size(TestRecord<byte[], byte[]> record) {
        int size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        for (Header header : record.headers()) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    static String rootCause(Throwable e) {
        List<String> chain = new ArrayList<>();
        for (Throwable t = e; t != null && chain.size() < 6; t = t.getCause()) {
            chain.add(t.getClass().getSimpleName() + ": " + HostileInputs.describe(String.valueOf(t.getMessage())));
        }
        return String.join(" <- ", chain);
    }
}
