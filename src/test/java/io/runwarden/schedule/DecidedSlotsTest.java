package io.runwarden.schedule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.Json;
import io.runwarden.model.ScriptPolicy;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each script's last decided slot, kept in the scheduler's changelogged state at most {@link StartChecks#STORED_LAG}
 * behind: a task that starts again from that state (a restart, a failover) skips no slot and decides again only
 * those few, and no tick writes more than {@link StartChecks#STORED_PER_TICK} lagging records.
 */
class DecidedSlotsTest {
    private static final Instant START = Instant.parse("2026-11-30T03:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final KeyValueStore<String, ScriptPolicy> policies = InMemoryStores.of("policies", Json.serde(ScriptPolicy.class));
    private final KeyValueStore<String, Instant> state = InMemoryStores.of("slots", Json.serde(Instant.class));
    private final RecordingChannel channel = new RecordingChannel();
    private Instant now = START;

    @Test
    void aTaskStartedAgainFromItsStateSkipsNoSlotAndDecidesAgainOnlyTheLastFew() {
        expectEveryMinute(1);
        StartChecks before = checks();
        List<Instant> decided = new ArrayList<>();
        for (int minute = 1; minute <= 25; minute++) {
            now = START.plus(Duration.ofMinutes(minute)).plus(GRACE).plusSeconds(5);
            decided.addAll(slotsOf(before));
        }
        for (int i = 1; i < decided.size(); i++) {
            assertThat(decided.get(i)).as("a slot a minute, each once").isEqualTo(decided.get(i - 1).plus(Duration.ofMinutes(1)));
        }

        StartChecks after = checks(); // the task starts again from the changelogged state
        now = now.plus(Duration.ofMinutes(1));
        List<Instant> again = slotsOf(after);

        Instant last = decided.get(decided.size() - 1);
        assertThat(again).as("from where the state is, up to now, in order").isSorted()
                .contains(last.plus(Duration.ofMinutes(1)));
        assertThat(again.get(0)).as("no slot skipped").isBeforeOrEqualTo(last.plus(Duration.ofMinutes(1)))
                .as("the ones decided again lie within the lag").isAfter(last.minus(StartChecks.STORED_LAG));
        assertThat(again.size() - 1).as("slots decided again").isLessThanOrEqualTo((int) StartChecks.STORED_LAG.toMinutes());
    }

    @Test
    void aTickWritesAtMostItsShareOfLaggingRecordsAndEveryScriptsComesInTime() {
        int scripts = 3 * StartChecks.STORED_PER_TICK;
        expectEveryMinute(scripts);
        StartChecks checks = checks();
        now = START.plus(GRACE).plusSeconds(5);
        slotsOf(checks);
        assertThat(state.approximateNumEntries()).as("every first decision at once").isEqualTo(scripts);

        for (int minute = 1; minute <= 3 * StartChecks.STORED_LAG.toMinutes(); minute++) {
            List<Instant> stored = storedSlots();
            now = now.plus(Duration.ofMinutes(1));
            slotsOf(checks);
            List<Instant> storedAfter = storedSlots();
            long written = 0;
            for (int i = 0; i < scripts; i++) {
                written += stored.get(i).equals(storedAfter.get(i)) ? 0 : 1;
            }
            assertThat(written).as("records written at minute " + minute).isLessThanOrEqualTo(StartChecks.STORED_PER_TICK);
        }
        Instant lastDecided = now.minus(GRACE).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        assertThat(storedSlots()).as("no script's record fell further behind than the lag and the share allow")
                .allMatch(slot -> !slot.isBefore(lastDecided.minus(StartChecks.STORED_LAG).minus(Duration.ofMinutes(3))));
    }

    /** More scripts sharing an hourly slot than a tick's share: each still gets its record (a hostile review found it). */
    @Test
    void scriptsBeyondATicksShareAreNotStarvedOfTheirRecord() {
        int scripts = StartChecks.STORED_PER_TICK + 500;
        for (int i = 0; i < scripts; i++) {
            String name = "job-" + i;
            policies.put(name, new ScriptPolicy(name, null, "0 * * * *", null, GRACE, false, START.minusSeconds(1)));
        }
        StartChecks before = checks();
        for (int hour = 0; hour <= 48; hour++) {
            now = START.plus(Duration.ofHours(hour)).plus(GRACE).plusSeconds(5);
            slotsOf(before);
        }
        Instant last = START.plus(Duration.ofHours(48));
        assertThat(storedSlots()).as("every script's record within the lag").allMatch(slot ->
                !slot.isBefore(last.minus(StartChecks.STORED_LAG.multipliedBy(2))));

        now = now.plusSeconds(10);
        channel.sent.clear();
        checks().tick(now, state); // the task starts again from the changelogged state
        assertThat(channel.checks()).as("nothing decided again").isEmpty();
    }

    private void expectEveryMinute(int scripts) {
        for (int i = 0; i < scripts; i++) {
            String name = "job-" + i;
            policies.put(name, new ScriptPolicy(name, null, "* * * * *", null, GRACE, false, START.minusSeconds(1)));
        }
    }

    private StartChecks checks() {
        return new StartChecks(InMemoryStores.of("checks-" + System.nanoTime(), Json.serde(StartCheckProgress.class)),
                InMemoryStores.of("forwarded-" + System.nanoTime(), Json.serde(Instant.class)), policies, System::nanoTime, new NothingStarted(),
                channel, 6, Duration.ofDays(90), new RunwardenMeters(new SimpleMeterRegistry()), () -> now);
    }

    /** Ticks, and returns the slots of the first script that the tick's checks decided. */
    private List<Instant> slotsOf(StartChecks checks) {
        channel.sent.clear();
        checks.tick(now, state);
        return channel.checks().stream().flatMap(check -> check.slots().stream())
                .filter(slot -> slot.scriptName().equals("job-0")).map(ExpectedSlot::slot).toList();
    }

    private List<Instant> storedSlots() {
        List<Instant> slots = new ArrayList<>();
        for (int i = 0; i < policies.approximateNumEntries(); i++) {
            slots.add(state.get(StartChecks.DECIDED + "job-" + i));
        }
        return slots;
    }
}
