package io.runwarden.schedule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.InvalidEventException;
import io.runwarden.model.Json;
import io.runwarden.model.ScriptPolicy;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tick that writes checks and every partition that reads one hold the same bound, {@link StartChecks#SLOTS_PER_CHECK},
 * whatever the partitions: a check's home keeps each answer apart from the check, so more partitions need no smaller
 * checks (an earlier version gave them fewer slots past 6 partitions).
 */
class CheckBoundsTest {
    private static final Instant NOW = Instant.parse("2026-11-30T03:00:40Z");
    private static final int PARTITIONS = 12;

    @Test
    void withManyPartitionsATicksChecksHoldAsManySlotsAndTheirReadersRefuseMore() {
        int most = StartChecks.SLOTS_PER_CHECK;
        KeyValueStore<String, ScriptPolicy> policies = InMemoryStores.of("policies", Json.serde(ScriptPolicy.class));
        for (int i = 0; i < most + 2_000; i++) {
            String name = "job-" + i;
            policies.put(name, new ScriptPolicy(name, null, "* * * * *", null, Duration.ofSeconds(30), false,
                    NOW.minusSeconds(60)));
        }
        RecordingChannel channel = new RecordingChannel();
        new StartChecks(InMemoryStores.of("checks", Json.serde(StartCheckProgress.class)),
                InMemoryStores.of("forwarded", Json.serde(Instant.class)), policies, System::nanoTime, new NothingStarted(),
                channel, PARTITIONS, Duration.ofDays(90), new RunwardenMeters(new SimpleMeterRegistry()), () -> NOW)
                .tick(NOW, InMemoryStores.of("slots", Json.serde(Instant.class)));

        List<StartCheck> written = channel.checks();
        assertThat(written).extracting(check -> check.slots().size()).containsExactly(most, 2_000);

        StartCheckValues values = new StartCheckValues(PARTITIONS, () -> NOW);
        assertThat(values.check(record(written.get(0))).slots()).hasSize(most);
        List<ExpectedSlot> more = new ArrayList<>(written.get(0).slots());
        ExpectedSlot first = more.get(0);
        more.add(new ExpectedSlot("job-extra", first.slot(), first.grace()));
        StartCheck tooMany = new StartCheck(written.get(0).checkId(), written.get(0).asOf(), more);
        assertThatThrownBy(() -> values.check(record(tooMany))).as("a dead letter, not a stopped stream")
                .isInstanceOf(InvalidEventException.class);
    }

    private static Record<String, byte[]> record(StartCheck check) {
        return new Record<>(check.checkId(), Json.bytes(check), NOW.toEpochMilli());
    }
}
