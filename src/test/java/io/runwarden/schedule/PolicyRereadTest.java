package io.runwarden.schedule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.Json;
import io.runwarden.model.ScriptPolicy;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tick keeps the scheduled policies between ticks: read again at once when a global table changed (the updaters
 * count each change), and at least every {@link StartChecks#POLICIES_KEPT} though none did, for a table restored from
 * its topic, which changes it behind the updaters.
 */
class PolicyRereadTest {
    private static final Instant START = Instant.parse("2026-11-30T03:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final KeyValueStore<String, ScriptPolicy> policies = InMemoryStores.of("policies", Json.serde(ScriptPolicy.class));
    private final AtomicLong changes = new AtomicLong();
    private final RecordingChannel channel = new RecordingChannel();
    private Instant now = START.plus(GRACE).plusSeconds(5);
    private final StartChecks checks = new StartChecks(InMemoryStores.of("checks", Json.serde(StartCheckProgress.class)),
            InMemoryStores.of("forwarded", Json.serde(Instant.class)), policies, changes::get, new NothingStarted(), channel, 6,
            Duration.ofDays(90), new RunwardenMeters(new SimpleMeterRegistry()), () -> now);
    private final KeyValueStore<String, Instant> state = InMemoryStores.of("slots", Json.serde(Instant.class));

    @Test
    void aChangedPolicyIsReadAtTheNextTick() {
        expect("nightly");
        assertThat(tickAfter(Duration.ZERO)).containsExactly("nightly");

        pause("nightly");
        changes.incrementAndGet();
        assertThat(tickAfter(Duration.ofMinutes(1))).as("paused: nothing expected").isEmpty();

        expect("hourly");
        changes.incrementAndGet();
        assertThat(tickAfter(Duration.ofMinutes(1))).containsExactly("hourly");
    }

    @Test
    void aTableChangedBehindTheUpdatersIsReadAgainWithinAMinute() {
        expect("nightly");
        assertThat(tickAfter(Duration.ZERO)).containsExactly("nightly");

        pause("nightly"); // as a restore from the topic would, counting nothing
        assertThat(tickAfter(Duration.ofSeconds(56))).as("kept less than a minute: the next slot still expected")
                .containsExactly("nightly");
        assertThat(tickAfter(Duration.ofSeconds(64))).as("read again: the slot after is not").isEmpty();
    }

    private void expect(String script) {
        policies.put(script, new ScriptPolicy(script, null, "* * * * *", null, GRACE, false, START.minusSeconds(1)));
    }

    private void pause(String script) {
        policies.put(script, new ScriptPolicy(script, null, "* * * * *", null, GRACE, true, START.minusSeconds(1)));
    }

    /** The scripts whose slots a tick {@code later} than the last one decided. */
    private List<String> tickAfter(Duration later) {
        now = now.plus(later);
        channel.sent.clear();
        checks.tick(now, state);
        return channel.checks().stream().flatMap(check -> check.slots().stream()).map(ExpectedSlot::scriptName)
                .distinct().toList();
    }
}
