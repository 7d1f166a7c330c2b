package io.runwarden.stream;

import io.runwarden.kafka.StoreNames;
import io.runwarden.metrics.RunwardenMeters;

import io.runwarden.model.CronJob;
import io.runwarden.model.RunStatus;
import io.runwarden.sweep.SweepProgress;
import io.runwarden.sweep.SweepResult;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cron scheduler, driven by the test driver's wall clock. */
class SchedulerTest {
    private static final Instant BEFORE_2AM = Instant.parse("2026-11-28T01:58:00Z");

    @Test
    void dailyJobFiresOnceWhenTheClockCrosses2amUtc() {
        try (TopologyFixture fixture = new TopologyFixture(Duration.ofDays(3), BEFORE_2AM)) {
            fixture.putCronJob(CronJob.dailyCleanup());
            fixture.started("stale", "synchroFacture", BEFORE_2AM.minus(Duration.ofDays(4)));
            fixture.started("recent", "synchroFacture", BEFORE_2AM.minus(Duration.ofDays(2)));

            advance(fixture, Duration.ofMinutes(1));
            assertThat(sweeps(fixture)).isEmpty();

            advance(fixture, Duration.ofMinutes(1).plusSeconds(1));
            List<SweepResult> fired = sweeps(fixture);
            assertThat(fired).hasSize(1);
            SweepResult result = fired.get(0);
            assertThat(result.sweepId()).isEqualTo("daily-cleanup-2am-20261128T0200Z");
            assertThat(result.trigger().wireName()).isEqualTo("scheduled");
            assertThat(result.job()).isEqualTo("daily-cleanup-2am");
            assertThat(result.totalLogsUpdated()).isEqualTo(1);
            fixture.writeSweeps();
            assertThat(fixture.run("stale").status()).isEqualTo(RunStatus.FAILED);
            assertThat(fixture.run("recent").status()).isEqualTo(RunStatus.IN_PROGRESS);

            for (int i = 0; i < 5; i++) {
                advance(fixture, Duration.ofHours(3));
            }
            assertThat(sweeps(fixture)).hasSize(1);
            advance(fixture, Duration.ofHours(9));
            assertThat(sweeps(fixture)).extracting(SweepResult::sweepId)
                    .contains("daily-cleanup-2am-20261129T0200Z").hasSize(2);
        }
    }

    @Test
    void jobsThatNeverFireOrBreakTheBoundsAreSkippedAndCountedWhileTheOthersFire() {
        try (TopologyFixture fixture = new TopologyFixture(Duration.ofDays(3), BEFORE_2AM)) {
            for (String never : new String[] {"0 0 30 2 *", "0 0 31 2 *", "0 0 31 4,6,9,11 *", "61 * * * *", "", "@reboot", "* * * * * * *"}) {
                fixture.putCronJob(new CronJob("bad " + never, never, true, "UTC", null));
            }
            fixture.putCronJob(new CronJob("bad zone", "* * * * *", true, "Mars/Olympus", null));
            fixture.cronConfig.pipeInput("bad json", "{\"schedule\": [".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            fixture.cronConfig.pipeInput("x".repeat(600_000), io.runwarden.model.Json.bytes(CronJob.dailyCleanup()));
            fixture.cronConfig.pipeInput("nul\u0000name", io.runwarden.model.Json.bytes(CronJob.dailyCleanup()));
            fixture.putCronJob(CronJob.dailyCleanup());
            fixture.started("stale", "synchroFacture", BEFORE_2AM.minus(Duration.ofDays(4)));

            advance(fixture, Duration.ofMinutes(1));
            advance(fixture, Duration.ofMinutes(1).plusSeconds(1));

            assertThat(sweeps(fixture)).extracting(SweepResult::job).containsExactly("daily-cleanup-2am");
            KeyValueStore<String, CronJob> jobs = fixture.driver.getKeyValueStore(StoreNames.CRON_JOBS);
            List<String> names = new ArrayList<>();
            try (KeyValueIterator<String, CronJob> it = jobs.all()) {
                it.forEachRemaining(kv -> names.add(kv.key));
            }
            assertThat(names).containsExactly("daily-cleanup-2am");
            assertThat(fixture.meters.get(RunwardenMeters.DEAD_LETTERS).tag("reason", "invalid-" + StoreNames.CRON_JOBS)
                    .counter().count()).isEqualTo(11.0);
        }
    }

    /** Over HTTP a job is enabled unless told otherwise; one written to the topic by hand must be too. */
    @Test
    void aJobWrittenToTheTopicWithoutEnabledFires() {
        try (TopologyFixture fixture = new TopologyFixture(Duration.ofDays(3), BEFORE_2AM)) {
            fixture.cronConfig.pipeInput("by-hand", "{\"name\":\"by-hand\",\"schedule\":\"0 2 * * *\"}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));

            advance(fixture, Duration.ofMinutes(1));
            advance(fixture, Duration.ofMinutes(1).plusSeconds(1));

            assertThat(sweeps(fixture)).extracting(SweepResult::sweepId).containsExactly("by-hand-20261128T0200Z");
        }
    }

    @Test
    void jobTimezoneDecidesWhen2amIs() {
        try (TopologyFixture fixture = new TopologyFixture(Duration.ofDays(3), Instant.parse("2026-11-28T00:58:00Z"))) {
            fixture.putCronJob(new CronJob("paris", "0 2 * * *", true, "Europe/Paris", "2 AM in Paris"));

            advance(fixture, Duration.ofMinutes(1));
            advance(fixture, Duration.ofMinutes(1).plusSeconds(1));

            assertThat(sweeps(fixture)).extracting(SweepResult::sweepId).containsExactly("paris-20261128T0100Z");
        }
    }

    @Test
    void disabledJobNeverFiresAndEnablingItDoesNotReplayMissedSlots() {
        try (TopologyFixture fixture = new TopologyFixture(Duration.ofDays(3), BEFORE_2AM)) {
            CronJob daily = CronJob.dailyCleanup();
            fixture.putCronJob(new CronJob(daily.name(), daily.schedule(), false, daily.timezone(), daily.description()));

            advance(fixture, Duration.ofMinutes(1));
            advance(fixture, Duration.ofHours(30));
            assertThat(sweeps(fixture)).isEmpty();

            fixture.putCronJob(daily);
            advance(fixture, Duration.ofMinutes(1));
            assertThat(sweeps(fixture)).isEmpty();
            advance(fixture, Duration.ofHours(20));
            assertThat(sweeps(fixture)).extracting(SweepResult::sweepId).containsExactly("daily-cleanup-2am-20261130T0200Z");
        }
    }

    /**
     * A job written a moment before its slot may reach the scheduler a moment after it (the global store's lag, a
     * task moving): the slot is still its own. One that passed well before the job was seen is history.
     */
    @Test
    void aJobFirstSeenJustAfterItsSlotFiresItAndOneSeenLongAfterDoesNot() {
        try (TopologyFixture fixture = new TopologyFixture(Duration.ofDays(3), Instant.parse("2026-11-28T02:00:20Z"))) {
            fixture.putCronJob(CronJob.dailyCleanup());
            fixture.putCronJob(new CronJob("at-one", "0 1 * * *", true, "UTC", null));
            fixture.putCronJob(new CronJob("eighty-seconds-before", "59 1 * * *", true, "UTC", null));
            fixture.started("stale", "synchroFacture", Instant.parse("2026-11-24T00:00:00Z"));

            advance(fixture, Duration.ofSeconds(1));
            advance(fixture, Duration.ofMinutes(10));

            assertThat(sweeps(fixture)).extracting(SweepResult::sweepId).containsExactly("daily-cleanup-2am-20261128T0200Z");
            fixture.writeSweeps();
            assertThat(fixture.run("stale").status()).isEqualTo(RunStatus.FAILED);
        }
    }

    @Test
    void restartAfterFiringDoesNotFireTheSameSlotAgain() {
        Instant lastSlot;
        try (TopologyFixture first = new TopologyFixture(Duration.ofDays(3), BEFORE_2AM)) {
            first.putCronJob(CronJob.dailyCleanup());
            advance(first, Duration.ofMinutes(1));
            advance(first, Duration.ofMinutes(2));
            assertThat(sweeps(first)).hasSize(1);
            lastSlot = slots(first).get(CronJob.DAILY_CLEANUP);
        }
        // the restarted task restores the slot store from its changelog
        try (TopologyFixture restarted = new TopologyFixture(Duration.ofDays(3), Instant.parse("2026-11-28T02:01:30Z"))) {
            slots(restarted).put(CronJob.DAILY_CLEANUP, lastSlot);
            restarted.putCronJob(CronJob.dailyCleanup());
            advance(restarted, Duration.ofMinutes(1));
            advance(restarted, Duration.ofHours(6));

            assertThat(sweeps(restarted)).isEmpty();
        }
    }

    @Test
    void slotsMissedWhileNothingRanFireOnceOnRecovery() {
        try (TopologyFixture recovered = new TopologyFixture(Duration.ofDays(3), Instant.parse("2026-11-28T05:00:00Z"))) {
            slots(recovered).put(CronJob.DAILY_CLEANUP, Instant.parse("2026-11-25T02:00:00Z"));
            recovered.putCronJob(CronJob.dailyCleanup());
            recovered.started("stale", "s", Instant.parse("2026-11-24T00:00:00Z"));

            advance(recovered, Duration.ofSeconds(2));
            advance(recovered, Duration.ofHours(1));

            List<SweepResult> fired = sweeps(recovered);
            assertThat(fired).extracting(SweepResult::sweepId).containsExactly("daily-cleanup-2am-20261128T0200Z");
            assertThat(fired.get(0).asOf()).isAfterOrEqualTo(Instant.parse("2026-11-28T05:00:00Z"));
            recovered.writeSweeps();
            assertThat(recovered.run("stale").status()).isEqualTo(RunStatus.FAILED);
        }
    }

    @Test
    void invalidJobIsIgnoredAndOthersStillFire() {
        try (TopologyFixture fixture = new TopologyFixture(Duration.ofDays(3), BEFORE_2AM)) {
            fixture.putCronJob(new CronJob("broken", "every night", true, "UTC", null));
            fixture.putCronJob(new CronJob("lost", "0 2 * * *", true, "Mars/Olympus", null));
            fixture.putCronJob(CronJob.dailyCleanup());

            advance(fixture, Duration.ofMinutes(1));
            advance(fixture, Duration.ofMinutes(2));

            assertThat(sweeps(fixture)).extracting(SweepResult::job).containsExactly("daily-cleanup-2am");
        }
    }

    /** A job's name is bounded in characters, as every id: its sweep's id, made from it, fits the same count. */
    @Test
    void aJobNamedInCharactersOutsideLatin1WithinTheBoundFiresItsSweep() {
        String floppies = "\uD83D\uDCBE".repeat(256);
        String odd = "a" + "\uD83D\uDCBE".repeat(150); // a cut at 256 UTF-16 units would split a pair
        try (TopologyFixture fixture = new TopologyFixture(Duration.ofDays(3), BEFORE_2AM)) {
            fixture.putCronJob(new CronJob(floppies, "0 2 * * *", true, "UTC", null));
            fixture.putCronJob(new CronJob(odd, "0 2 * * *", true, "UTC", null));
            fixture.started("stale", "synchroFacture", BEFORE_2AM.minus(Duration.ofDays(4)));

            advance(fixture, Duration.ofMinutes(1));
            advance(fixture, Duration.ofMinutes(1).plusSeconds(1));

            assertThat(sweeps(fixture)).extracting(SweepResult::job).containsExactlyInAnyOrder(floppies, odd);
            assertThat(fixture.deadLetters.readRecordsToList()).isEmpty();
            fixture.writeSweeps();
            assertThat(fixture.run("stale").status()).isEqualTo(RunStatus.FAILED);
        }
    }

    private static void advance(TopologyFixture fixture, Duration duration) {
        fixture.driver.advanceWallClockTime(duration);
    }

    private static KeyValueStore<String, Instant> slots(TopologyFixture fixture) {
        return fixture.driver.getKeyValueStore(StoreNames.SCHEDULER_SLOTS);
    }

    private static List<SweepResult> sweeps(TopologyFixture fixture) {
        List<SweepResult> results = new ArrayList<>();
        try (KeyValueIterator<String, SweepProgress> it = fixture.sweeps().all()) {
            while (it.hasNext()) {
                KeyValue<String, SweepProgress> entry = it.next();
                assertThat(entry.value.complete()).as("sweep %s completed", entry.key).isTrue();
                results.add(entry.value.result());
            }
        }
        return results;
    }
}
