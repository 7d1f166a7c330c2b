package io.runwarden.schedule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.Json;
import io.runwarden.model.ScriptPolicy;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two ticks in the same second, as when partition 0 moves to an instance whose clock is a little behind: the second
 * tick's check is a check of its own, not taken for the first one (which would drop it, and its slots, whole).
 */
class CheckIdsTest {
    private static final Instant SINCE = Instant.parse("2026-11-28T12:00:00Z");

    private final KeyValueStore<String, ScriptPolicy> policies = InMemoryStores.of("policies", Json.serde(ScriptPolicy.class));
    private final KeyValueStore<String, Instant> slots = InMemoryStores.of("slots", Json.serde(Instant.class));
    private final Deque<Record<String, byte[]>> written = new ArrayDeque<>();
    private final NothingStarted runs = new NothingStarted();
    private Instant now = Instant.parse("2026-11-28T12:10:05Z");
    private final StartChecks checks = new StartChecks(InMemoryStores.of("checks", Json.serde(StartCheckProgress.class)),
            InMemoryStores.of("forwarded", Json.serde(Instant.class)), policies, System::nanoTime, runs,
            (key, value, headers, timestamp) -> written.add(new Record<>(key, Json.bytes(value), timestamp, headers)),
            1, Duration.ofDays(90), new RunwardenMeters(new SimpleMeterRegistry()), () -> now);

    @Test
    void aSecondTickInTheSameSecondReportsItsOwnMissedSlots() {
        policies.put("other", new ScriptPolicy("other", null, "* * * * *", null, Duration.ofMinutes(1), false,
                Instant.parse("2026-11-28T12:08:30Z")));
        policies.put("nightly", new ScriptPolicy("nightly", null, "* * * * *", null, Duration.ofMinutes(10), false, SINCE));
        checks.tick(now, slots); // decides other@12:09 alone: nightly's 10 minutes of grace still run
        deliver();
        assertThat(runs.missed()).hasSize(1);

        // its grace shortened, and partition 0 now on an instance whose clock is a few hundred ms behind
        policies.put("nightly", new ScriptPolicy("nightly", null, "* * * * *", null, Duration.ofMinutes(1), false, SINCE));
        now = Instant.parse("2026-11-28T12:10:05.400Z");
        checks.tick(now, slots);
        deliver();

        assertThat(runs.missed()).extracting(m -> m.slot().scriptName() + "@" + m.slot().slot()).as("nightly 12:01 to 12:09, none started")
                .hasSize(10).contains("nightly@2026-11-28T12:01:00Z", "nightly@2026-11-28T12:09:00Z");
    }

    /** A run that kept a slot may have started a grace before it and ended at once: gone a retention later. */
    @Test
    void aScriptNeverDecidedIsNotJudgedForSlotsWhoseRunsRetentionMayHaveRemoved() {
        StartChecks shortRetention = new StartChecks(InMemoryStores.of("checks-2d", Json.serde(StartCheckProgress.class)),
                InMemoryStores.of("forwarded-2d", Json.serde(Instant.class)), policies, System::nanoTime, runs,
                (key, value, headers, timestamp) -> written.add(new Record<>(key, Json.bytes(value), timestamp, headers)),
                1, Duration.ofDays(2), new RunwardenMeters(new SimpleMeterRegistry()), () -> now);
        policies.put("hourly", new ScriptPolicy("hourly", null, "0 * * * *", null, Duration.ofMinutes(50), false,
                now.minus(Duration.ofDays(5))));

        shortRetention.tick(now, slots);
        while (!written.isEmpty()) {
            Record<String, byte[]> record = written.poll();
            shortRetention.handle(ControlRecord.known(record.headers()).orElseThrow(), record, 0);
        }

        // 12:10:05 less 2 days, plus the grace and a minute: 2026-11-26T13:01:05Z; the slots from 14:00 to 11:00 today
        assertThat(runs.missed()).extracting(m -> m.slot().slot().toString()).hasSize(46)
                .startsWith("2026-11-26T14:00:00Z").endsWith("2026-11-28T11:00:00Z");
    }

    private void deliver() {
        while (!written.isEmpty()) {
            Record<String, byte[]> record = written.poll();
            Headers headers = record.headers();
            checks.handle(ControlRecord.known(headers).orElseThrow(), record, 0);
        }
    }
}
