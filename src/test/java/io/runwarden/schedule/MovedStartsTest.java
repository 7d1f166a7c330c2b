package io.runwarden.schedule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.EventType;
import io.runwarden.model.Json;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.ScriptPolicy;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start that a partition moved to its run's partition, answered for by the partition that moved it: the move and
 * a check can leave through different producers (two stream threads of one instance), so the check may reach the
 * run's partition first even when it was written after the move.
 */
class MovedStartsTest {
    private static final Instant SLOT = Instant.parse("2026-11-30T03:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final int PARTITIONS = 6;

    private final KeyValueStore<String, ScriptPolicy> policies = InMemoryStores.of("policies", Json.serde(ScriptPolicy.class));
    private final List<StartCheckPart> answers = new ArrayList<>();
    private final KeyValueStore<String, Instant> forwarded = InMemoryStores.of("forwarded", Json.serde(Instant.class));
    private Instant now = SLOT.plus(GRACE).plusSeconds(5);
    private final StartChecks checks = new StartChecks(InMemoryStores.of("checks", Json.serde(StartCheckProgress.class)),
            forwarded, policies, System::nanoTime, new NothingStarted(), // the run's partition is not this one
            (key, value, headers, timestamp) -> {
                if (value instanceof StartCheckPart part) {
                    answers.add(part);
                }
            }, PARTITIONS, Duration.ofDays(90), new RunwardenMeters(new SimpleMeterRegistry()), () -> now);

    @Test
    void aStartMovedJustBeforeACheckWasWrittenIsCountedByThePartitionThatMovedIt() {
        policies.put("nightly", new ScriptPolicy("nightly", null, "0 3 * * *", null, GRACE, false, null));
        checks.forwarded(new LifecycleEvent("run-1", "nightly", EventType.STARTED, SLOT.plusSeconds(30), null, null));

        // written a moment after the move, by another thread's producer: it may reach the run's partition first
        now = now.plusMillis(300);
        answer("check-1", now);
        assertThat(answers.get(0).kept()).as("the moved start keeps the slot").containsExactly(0);

        // a check written well after the move: the start reached its partition before it, and is forgotten here
        now = now.plus(StartChecks.FORWARD_SETTLE).plusSeconds(1);
        answer("check-2", now);
        assertThat(answers.get(1).kept()).isEmpty();
        assertThat(forwarded.approximateNumEntries()).as("nothing left to read at every later check").isZero();
    }

    private void answer(String checkId, Instant asOf) {
        StartCheck check = new StartCheck(checkId, asOf, List.of(new ExpectedSlot("nightly", SLOT, GRACE)));
        checks.handle(ControlRecord.START_CHECK, new Record<>(checkId, Json.bytes(check), asOf.toEpochMilli(),
                ControlRecord.START_CHECK.headers()), 1);
    }
}
