package io.runwarden.schedule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.Json;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.schedule.RecordingChannel.Sent;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tick's checks reach every partition together, and each partition answers them one by one: only the last
 * check's answer and end ask for the commit the next step waits for, so that a partition is not committed between
 * its answers (each commit held the rest of them back by tens of milliseconds: issue 15, B6).
 */
class CheckCommitsTest {
    private static final Instant NOW = Instant.parse("2026-11-30T03:00:40Z");
    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final int PARTITIONS = 3;

    private final KeyValueStore<String, ScriptPolicy> policies = InMemoryStores.of("policies", Json.serde(ScriptPolicy.class));
    private final RecordingChannel channel = new RecordingChannel();
    private final List<Sent> sent = channel.sent;
    private final StartChecks checks = new StartChecks(InMemoryStores.of("checks", Json.serde(StartCheckProgress.class)),
            InMemoryStores.of("forwarded", Json.serde(Instant.class)), policies, System::nanoTime, new NothingStarted(), channel, PARTITIONS,
            Duration.ofDays(90), new RunwardenMeters(new SimpleMeterRegistry()), () -> NOW);

    /** Two checks and a half of slots: three checks. */
    private static final int SLOTS = 2 * StartChecks.SLOTS_PER_CHECK + StartChecks.SLOTS_PER_CHECK / 2;

    @Test
    void everyCheckOfATickButTheLastSaysMoreFollow() {
        List<StartCheck> written = tick(SLOTS);

        assertThat(written).extracting(check -> check.slots().size())
                .containsExactly(StartChecks.SLOTS_PER_CHECK, StartChecks.SLOTS_PER_CHECK, StartChecks.SLOTS_PER_CHECK / 2);
        assertThat(written).extracting(StartCheck::more).containsExactly(true, true, false);
        assertThat(sent).as("the tick's own records each ask: nothing follows them on its partition")
                .noneMatch(Sent::ahead);
        assertThat(Json.read(Json.bytes(written.get(0)), StartCheck.class).more()).isTrue();
        assertThat(new String(Json.bytes(written.get(2)))).as("the last as earlier versions wrote every check")
                .doesNotContain("more");
    }

    @Test
    void onlyTheLastChecksAnswersAskForACommitAndEveryEndDoes() {
        List<StartCheck> written = tick(SLOTS);
        sent.clear();

        // this partition is the home of every check it answers: its answer completes the check, nothing kept a slot
        for (StartCheck check : written) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                handle(ControlRecord.START_CHECK, check.checkId(), Json.bytes(check), partition);
            }
            for (Sent part : List.copyOf(sent)) {
                if (part.kind() == ControlRecord.START_CHECK_PART) {
                    handle(ControlRecord.START_CHECK_PART, part.key(), Json.bytes(part.value()), 0);
                }
            }
            assertThat(sent).filteredOn(s -> s.kind() == ControlRecord.START_CHECK_PART).hasSize(PARTITIONS)
                    .allMatch(s -> s.ahead() == check.more());
            assertThat(sent).as("the check's end asks: its home's thread may see no later record of the tick")
                    .filteredOn(s -> s.kind() == ControlRecord.CHECK_DONE).singleElement().matches(s -> !s.ahead());
            assertThat(sent).as("missed slots are committed with the check's end")
                    .filteredOn(s -> s.kind() == ControlRecord.MISSED_SLOT).hasSize(check.slots().size());
            sent.clear();
        }
    }

    @Test
    void aCheckAnEarlierVersionWroteAsksForItsCommitAsBefore() {
        String asOf = NOW.toString();
        String json = "{\"checkId\":\"c1\",\"asOf\":\"" + asOf + "\",\"slots\":[{\"slot\":\"" + NOW.minus(GRACE).minusSeconds(10)
                + "\",\"grace\":\"PT30S\",\"scripts\":[\"nightly\"]}]}";

        handle(ControlRecord.START_CHECK, "c1", json.getBytes(), 1);

        assertThat(sent).singleElement().matches(s -> s.kind() == ControlRecord.START_CHECK_PART && !s.ahead());
    }

    /** @return the checks a tick wrote for {@code scripts} scripts whose minute's grace just ran out */
    private List<StartCheck> tick(int scripts) {
        for (int i = 0; i < scripts; i++) {
            String name = "job-" + i;
            policies.put(name, new ScriptPolicy(name, null, "* * * * *", null, GRACE, false, NOW.minusSeconds(60)));
        }
        checks.tick(NOW, InMemoryStores.of("slots", Json.serde(Instant.class)));
        return channel.checks();
    }

    private void handle(ControlRecord kind, String key, byte[] value, int partition) {
        checks.handle(kind, new Record<>(key, value, NOW.toEpochMilli(), kind.headers()), partition);
    }
}
