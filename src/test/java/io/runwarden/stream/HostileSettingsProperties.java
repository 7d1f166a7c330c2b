package io.runwarden.stream;

import io.runwarden.LogLines;
import io.runwarden.notify.Channel;
import io.runwarden.notify.ChannelJson;
import io.runwarden.notify.ChannelRules;
import io.runwarden.kafka.StoreNames;
import io.runwarden.kafka.Topics;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.runwarden.stream.HostileRecords.assertDeadLetter;
import static io.runwarden.stream.HostileRecords.assertRunWithinBounds;
import static io.runwarden.stream.HostileRecords.isId;
import static io.runwarden.stream.TopologyFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile records on the settings topics ({@code cron-config}, {@code script-policies},
 * {@code notification-channels}), read into global stores, through the real topology in a
 * {@link TopologyTestDriver}: a bad record is skipped and counted (the previous value of its key removed, so every
 * instance agrees on what the topic holds), a good one is kept within bounds and its slots checked, and the stream
 * goes on. The event topics are in {@link HostileEventsProperties}.
 */
class HostileSettingsProperties {

    // ---- cron-config and script-policies -------------------------------------------------------------------

    @Property(tries = 70)
    void hostileCronJobsAreSkippedCountedAndNeverStopTheScheduler(@ForAll("cronJobsLists") List<Hostile> records) {
        cronJobs(records);
    }

    private void cronJobs(List<Hostile> records) {
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
                    assertThat(h.deadLettersCounted()).as("runwarden_dead_letters_total counts %s", record).isGreaterThan(counted);
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

    @Property(tries = 70)
    void hostilePoliciesAreSkippedCountedAndTheirScriptsStartSafely(@ForAll("policiesLists") List<Hostile> records) {
        policies(records);
    }

    private void policies(List<Hostile> records) {
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
                    assertThat(h.deadLettersCounted()).as("runwarden_dead_letters_total counts %s", record).isGreaterThan(counted);
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

    // ---- generators ----------------------------------------------------------------------------------------

    @Provide
    Arbitrary<List<Hostile>> cronJobsLists() {
        return HostileInputs.cronJobs().list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<Hostile>> policiesLists() {
        return HostileInputs.policies().list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<Hostile>> channelsLists() {
        return HostileInputs.channels().list().ofMinSize(1).ofMaxSize(4);
    }
}
