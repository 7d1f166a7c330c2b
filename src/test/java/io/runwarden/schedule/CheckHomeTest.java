package io.runwarden.schedule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runwarden.kafka.EventPartitions;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.Json;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.schedule.RecordingChannel.Sent;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A check's home holds the check in memory while it collects the answers, and keeps both in its store: a home
 * started again (a restart, a rebalance, more checks in flight than it holds) finishes every check from the store
 * alone, each exactly once, and keeps only that a finished check is done.
 */
class CheckHomeTest {
    private static final Instant NOW = Instant.parse("2026-11-30T03:00:40Z");
    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final int PARTITIONS = 3;

    private final KeyValueStore<String, StartCheckProgress> store = InMemoryStores.of("checks", Json.serde(StartCheckProgress.class));
    private final RecordingChannel channel = new RecordingChannel();
    private StartChecks home = started();

    @Test
    void aHomeStartedAgainMidwayFinishesTheCheckFromItsStoreOnce() {
        StartCheck check = check("check-1", 2);
        deliverCheck(check);
        answer(check, otherThanHome(check, 0), List.of(1));

        home = started();
        answer(check, otherThanHome(check, 1), List.of());

        assertThat(missed()).as("the slot no partition kept, once").containsExactly(check.slots().get(0).missedRunId());
        answer(check, otherThanHome(check, 1), List.of());
        home = started();
        answer(check, otherThanHome(check, 0), List.of());
        assertThat(missed()).as("answers that come again change nothing").hasSize(1);
        assertThat(entries()).as("only that it is done").singleElement().satisfies(entry -> {
            assertThat(entry.key).isEqualTo(check.checkId());
            assertThat(entry.value.complete()).isTrue();
            assertThat(entry.value.check().slots()).isEmpty();
        });
    }

    @Test
    void answersAnEarlierVersionKeptWithTheCheckCountOnce() {
        StartCheck check = check("check-2", 3);
        int digest = check.slots().hashCode();
        int first = otherThanHome(check, 0);
        int second = otherThanHome(check, 1);
        int homePartition = EventPartitions.of(check.checkId(), PARTITIONS);
        // as an earlier version left it: the check and two answers in one record
        store.put(check.checkId(), new StartCheckProgress(check, Map.of(
                first, new StartCheckPart(check.checkId(), first, List.of(0), digest),
                homePartition, new StartCheckPart(check.checkId(), homePartition, List.of(1), digest)), false, NOW));

        answer(check, first, List.of());
        assertThat(missed()).as("an answer the record holds already").isEmpty();
        answer(check, second, List.of());

        assertThat(missed()).containsExactly(check.slots().get(2).missedRunId());
        assertThat(entries()).singleElement().matches(entry -> entry.value.complete() && entry.value.parts().isEmpty());
    }

    @Test
    void anAnswerToAnotherListThatCameBeforeTheCheckIsDroppedWhenTheCheckComes() {
        StartCheck check = check("check-3", 2);
        int first = otherThanHome(check, 0);
        handle(ControlRecord.START_CHECK_PART, check.checkId(), Json.bytes(new StartCheckPart(check.checkId(), first,
                List.of(0, 1), check.slots().hashCode() + 1)), EventPartitions.of(check.checkId(), PARTITIONS));
        home = started(); // read back from the store

        deliverCheck(check);
        answer(check, first, List.of(1));
        answer(check, otherThanHome(check, 1), List.of());

        assertThat(missed()).as("only the answers to the check's own list count")
                .containsExactly(check.slots().get(0).missedRunId());
    }

    @Test
    void moreChecksInFlightThanTheHomeHoldsEachFinishOnce() {
        List<StartCheck> inFlight = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            StartCheck check = check("check-" + i + "-x", 1);
            inFlight.add(check);
            deliverCheck(check);
            answer(check, otherThanHome(check, 0), List.of());
        }
        for (StartCheck check : inFlight) {
            answer(check, otherThanHome(check, 1), List.of());
        }

        assertThat(channel.sent).filteredOn(s -> s.kind() == ControlRecord.CHECK_DONE).extracting(Sent::key)
                .containsExactlyElementsOf(inFlight.stream().map(StartCheck::checkId).toList());
        assertThat(missed()).hasSize(inFlight.size()).doesNotHaveDuplicates();
        assertThat(entries()).hasSize(inFlight.size()).allMatch(entry -> entry.value.complete());
    }

    private StartChecks started() {
        return new StartChecks(store, InMemoryStores.of("forwarded-" + System.nanoTime(), Json.serde(Instant.class)),
                InMemoryStores.of("policies-" + System.nanoTime(), Json.serde(ScriptPolicy.class)),
                System::nanoTime, new NothingStarted(), channel, PARTITIONS, Duration.ofDays(90),
                new RunwardenMeters(new SimpleMeterRegistry()), () -> NOW);
    }

    /** A check of {@code slots} scripts of its own whose minute's grace ran out. */
    private static StartCheck check(String checkId, int slots) {
        List<ExpectedSlot> list = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            list.add(new ExpectedSlot(checkId + ".job-" + i, NOW.minus(GRACE).minusSeconds(10).truncatedTo(ChronoUnit.MINUTES), GRACE));
        }
        return new StartCheck(checkId, NOW, list);
    }

    /** The check reaches its home, which answers it as a partition too, and its answer comes back to it. */
    private void deliverCheck(StartCheck check) {
        int homePartition = EventPartitions.of(check.checkId(), PARTITIONS);
        int before = channel.sent.size();
        handle(ControlRecord.START_CHECK, check.checkId(), Json.bytes(check), homePartition);
        Sent own = channel.sent.get(before);
        assertThat(own.kind()).isEqualTo(ControlRecord.START_CHECK_PART);
        handle(ControlRecord.START_CHECK_PART, own.key(), Json.bytes(own.value()), homePartition);
    }

    private void answer(StartCheck check, int partition, List<Integer> kept) {
        handle(ControlRecord.START_CHECK_PART, check.checkId(), Json.bytes(new StartCheckPart(check.checkId(), partition, kept,
                check.slots().hashCode())), EventPartitions.of(check.checkId(), PARTITIONS));
    }

    /** The {@code n}th partition that is not the check's home. */
    private static int otherThanHome(StartCheck check, int n) {
        int homePartition = EventPartitions.of(check.checkId(), PARTITIONS);
        return List.of(0, 1, 2).stream().filter(p -> p != homePartition).toList().get(n);
    }

    private void handle(ControlRecord kind, String key, byte[] value, int partition) {
        home.handle(kind, new Record<>(key, value, NOW.toEpochMilli(), kind.headers()), partition);
    }

    private List<String> missed() {
        return channel.sent.stream().filter(s -> s.kind() == ControlRecord.MISSED_SLOT).map(Sent::key).toList();
    }

    private List<KeyValue<String, StartCheckProgress>> entries() {
        List<KeyValue<String, StartCheckProgress>> all = new ArrayList<>();
        try (KeyValueIterator<String, StartCheckProgress> it = store.all()) {
            it.forEachRemaining(all::add);
        }
        return all;
    }
}
