package io.runwarden.stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runwarden.alerts.RunOutcome;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.EventType;
import io.runwarden.model.Json;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.Trigger;
import io.runwarden.runs.DueChunk;
import io.runwarden.runs.RunIndexes;
import io.runwarden.sweep.SweepBacklog;
import io.runwarden.sweep.SweepPart;
import io.runwarden.sweep.SweepRequest;
import io.runwarden.sweep.SweepWrites;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The runs events change are written when the task commits, once a run however many events it had: what a user
 * sees is each run's last state, its end told once, and a sweep that never overtakes an event applied before it.
 */
class RunLedgerTest {
    private static final Instant START = Instant.parse("2026-11-20T10:00:00Z");

    private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    private long clock = 1_000_000;
    private final KeyValueStore<String, RunRecord> store = store("runs", Json.serde(RunRecord.class));
    private final RunIndexes indexes = RunIndexes.open(store, store("indexes", Serdes.String()),
            store("generations", Serdes.String()), false);
    private final SweepWrites sweepWrites = new SweepWrites();
    private final SweepBacklog backlog = new SweepBacklog(store("backlog", Json.serde(SweepBacklog.Entry.class)), sweepWrites, 0);
    private final RunLedger ledger = new RunLedger(store, indexes, new RunTransitions(Duration.ofDays(3), script -> null),
            new Emitter(context, 1), new RunwardenMeters(new SimpleMeterRegistry()), backlog, () -> clock);

    @Test
    void aRunsEventsBeforeACommitAreWrittenOnceWithTheirEndToldOnce() {
        assertThat(indexes.rebuildStep(Duration.ofSeconds(5))).isTrue();
        ledger.applyAtCommit(event("r1", EventType.STARTED, START), 1);
        ledger.applyAtCommit(event("r1", EventType.HEARTBEAT, START.plusSeconds(60)), 2);
        ledger.applyAtCommit(event("r1", EventType.SUCCEEDED, START.plusSeconds(120)), 3);
        assertThat(store.get("r1")).as("nothing written before the commit").isNull();
        assertThat(context.forwarded()).isEmpty();

        ledger.flush();

        assertThat(store.get("r1").status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(store.get("r1").lastHeartbeat()).isEqualTo(START.plusSeconds(60));
        List<Object> runs = forwardedTo(Emitter.RUNS_SINK);
        assertThat(runs).hasSize(1);
        assertThat(((RunRecord) runs.get(0)).status()).isEqualTo(RunStatus.SUCCESS);
        List<RunOutcome> outcomes = outcomes();
        assertThat(outcomes).hasSize(1);
        assertThat(outcomes.get(0).succeeded()).isTrue();
        assertThat(dueEntries(indexes, START.plus(Duration.ofDays(10)), 10)).as("a finished run is never due").isEmpty();
        assertThat(context.forwarded().get(0).record().timestamp()).as("stamped as its last event").isEqualTo(3);

        context.resetForwards();
        ledger.flush();
        assertThat(context.forwarded()).as("a second commit writes nothing again").isEmpty();
    }

    /** A run reported by a trickle of events can be read at once; a flood of events waits for the commit. */
    @Test
    void aTrickleIsWrittenAfterTheThreadsPassAndAFloodAtTheCommit() {
        assertThat(indexes.rebuildStep(Duration.ofSeconds(5))).isTrue();
        ledger.flush();
        clock += 60_000;
        ledger.applyAtCommit(event("r1", EventType.STARTED, START), 1);
        ledger.flushIfTrickle();
        assertThat(store.get("r1")).as("one event in a minute: written after the pass").isNotNull();

        clock += RunLedger.TRICKLE_MS - 1;
        ledger.applyAtCommit(event("r2", EventType.STARTED, START), 2);
        ledger.flushIfTrickle();
        assertThat(store.get("r2")).as("right after a write: kept a little").isNull();
        clock += 1;
        ledger.flushIfTrickle();
        assertThat(store.get("r2")).isNotNull();

        clock += 60_000;
        for (int i = 0; i <= RunLedger.TRICKLE_EVENTS; i++) {
            ledger.applyAtCommit(event("flood-" + i, EventType.STARTED, START), 3);
        }
        ledger.flushIfTrickle();
        assertThat(store.get("flood-0")).as("more events than a trickle: kept for the commit").isNull();
        ledger.flush();
        assertThat(store.get("flood-0")).isNotNull();
    }

    /**
     * A task that moves or restarts between deciding a sweep and writing its runs rebuilds its indexes: meanwhile an
     * end of a run the sweep decided is the run's late completion, as before, and reads wait for nothing that fails
     * no run.
     */
    @Test
    void anEndThatComesWhileTheIndexesAreRebuiltCannotSaveARunADecidedSweepFails() {
        assertThat(indexes.rebuildStep(Duration.ofSeconds(5))).isTrue();
        ledger.applyAtCommit(event("stale", EventType.STARTED, START), 1);
        SweepRequest sweep = new SweepRequest("sweep-1", Trigger.MANUAL, START.plus(Duration.ofDays(4)), null);
        SweepPart decided = ledger.decide(sweep, null, 0, 100);
        assertThat(decided.failed()).isEqualTo(1);
        backlog.add(sweep, true, decided, clock);
        ledger.holdDue(backlog.decidedUntil());
        assertThat(sweepWrites.awaitWritten(List.of(0), Duration.ZERO)).as("reads wait for its runs").isFalse();

        RunIndexes rebuilding = RunIndexes.open(store, store("indexes-after-a-move", Serdes.String()),
                store("generations-after-a-move", Serdes.String()), true);
        RunLedger moved = new RunLedger(store, rebuilding, new RunTransitions(Duration.ofDays(3), script -> null),
                new Emitter(context, 1), new RunwardenMeters(new SimpleMeterRegistry()), backlog, () -> clock);
        assertThat(rebuilding.complete()).isFalse();
        moved.applyAtCommit(event("stale", EventType.SUCCEEDED, START.plus(Duration.ofDays(5))), 2);
        moved.flush();

        RunRecord ended = store.get("stale");
        assertThat(ended.status()).isEqualTo(RunStatus.FAILED);
        assertThat(ended.lateCompletion().status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(forwardedTo(Emitter.FAILURES_SINK)).hasSize(1);
    }

    @Test
    void aDecidedSweepThatFailsNoRunHoldsNoReadUp() {
        SweepRequest sweep = new SweepRequest("sweep-1", Trigger.MANUAL, START, null);
        backlog.add(sweep, true, SweepPart.none("sweep-1", 0), clock);

        assertThat(sweepWrites.awaitWritten(List.of(0), Duration.ZERO)).isTrue();
    }

    @Test
    void aSweepFailsARunWhoseStartWasAppliedButNotYetCommitted() {
        assertThat(indexes.rebuildStep(Duration.ofSeconds(5))).isTrue();
        ledger.applyAtCommit(event("old", EventType.STARTED, START), 1);

        SweepPart part = ledger.failDue(new SweepRequest("sweep-1", Trigger.MANUAL, START.plus(Duration.ofDays(4)), null),
                0, 2, 100);

        assertThat(part.failed()).isEqualTo(1);
        assertThat(store.get("old").status()).isEqualTo(RunStatus.FAILED);
        assertThat(forwardedTo(Emitter.RUNS_SINK)).extracting(run -> ((RunRecord) run).status())
                .as("its start, then its failure, in that order").containsExactly(RunStatus.IN_PROGRESS, RunStatus.FAILED);
        assertThat(outcomes()).extracting(RunOutcome::sweepId).containsExactly("sweep-1");
    }

    @Test
    void aRunAlreadyStoredMovesItsIndexesFromWhereTheyWereBeforeTheCommit() {
        assertThat(indexes.rebuildStep(Duration.ofSeconds(5))).isTrue();
        ledger.applyAtCommit(event("r1", EventType.STARTED, START), 1);
        ledger.flush();
        assertThat(dueEntries(indexes, START.plus(Duration.ofDays(4)), 10)).containsExactly("r1");

        ledger.applyAtCommit(event("r1", EventType.HEARTBEAT, START.plus(Duration.ofDays(2))), 2);
        ledger.applyAtCommit(event("r1", EventType.HEARTBEAT, START.plus(Duration.ofDays(3))), 3);
        ledger.flush();

        assertThat(dueEntries(indexes, START.plus(Duration.ofDays(4)), 10)).as("the old deadline's entry is gone").isEmpty();
        assertThat(dueEntries(indexes, START.plus(Duration.ofDays(6)), 10)).containsExactly("r1");
    }

    /**
     * A write that fails at the commit is no event's fault: it fails the task (Streams aborts its transaction and the
     * events come again) instead of being dead-lettered as whatever record came last, and what was already written
     * is not written twice if the ledger is flushed again.
     */
    @Test
    void aWriteThatFailsAtTheCommitFailsTheTaskAndWritesNothingTwice() {
        AtomicBoolean failOnce = new AtomicBoolean(true);
        KeyValueStore<String, RunRecord> failing = failing((runId, run) -> runId.equals("r2") && failOnce.getAndSet(false),
                "a fault writing r2");
        RunIndexes failingIndexes = indexesOver(failing);
        RunLedger ledger = ledgerOver(failing, failingIndexes);
        ledger.applyAtCommit(event("r1", EventType.STARTED, START), 1);
        ledger.applyAtCommit(event("r1", EventType.FAILED, START.plusSeconds(5)), 2);
        ledger.applyAtCommit(event("r2", EventType.STARTED, START), 3);

        assertThatThrownBy(ledger::flush).isInstanceOf(StreamsException.class).hasRootCauseMessage("a fault writing r2");
        ledger.flush();

        assertThat(forwardedTo(Emitter.RUNS_SINK)).extracting(run -> ((RunRecord) run).runId()).containsExactly("r1", "r2");
        assertThat(outcomes()).extracting(RunOutcome::runId).containsExactly("r1");
        assertThat(dueEntries(failingIndexes, START.plus(Duration.ofDays(4)), 10)).containsExactly("r2");
    }

    /**
     * A run a sweep chunk cannot fail leaves the runs it failed before it told: their outcomes go out, or a record
     * dead-lettered with the transaction committed would leave timed-out runs that no alert ever announces.
     */
    @Test
    void aSweepChunkThatFailsPartwayStillTellsTheEndsOfTheRunsItFailed() {
        KeyValueStore<String, RunRecord> failing = failing(
                (runId, run) -> runId.equals("late") && run.status() == RunStatus.FAILED, "a fault failing late");
        RunLedger ledger = ledgerOver(failing, indexesOver(failing));
        ledger.apply(event("early", EventType.STARTED, START), 1);
        ledger.apply(event("late", EventType.STARTED, START.plusSeconds(1)), 2);

        assertThatThrownBy(() -> ledger.failDue(new SweepRequest("sweep-1", Trigger.MANUAL, START.plus(Duration.ofDays(4)), null),
                0, 3, 100)).hasMessage("a fault failing late");

        assertThat(outcomes()).extracting(RunOutcome::runId).containsExactly("early");
    }

    @Test
    void aLongCommitIntervalStillWritesRunsInBoundedBatches() {
        for (int i = 0; i < RunLedger.MAX_PENDING; i++) {
            ledger.applyAtCommit(event("r" + i, EventType.STARTED, START), i);
        }
        assertThat(forwardedTo(Emitter.RUNS_SINK)).hasSize(RunLedger.MAX_PENDING);
        assertThat(store.approximateNumEntries()).isEqualTo(RunLedger.MAX_PENDING);
    }

    /** The runs' store, throwing {@code fault} on a put that {@code failsOn} picks. */
    @SuppressWarnings("unchecked")
    private KeyValueStore<String, RunRecord> failing(BiPredicate<String, RunRecord> failsOn, String fault) {
        return (KeyValueStore<String, RunRecord>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{KeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put") && failsOn.test((String) args[0], (RunRecord) args[1])) {
                        throw new IllegalStateException(fault);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private RunIndexes indexesOver(KeyValueStore<String, RunRecord> runs) {
        RunIndexes built = RunIndexes.open(runs, store("indexes-" + runs.hashCode(), Serdes.String()),
                store("generations-" + runs.hashCode(), Serdes.String()), false);
        assertThat(built.rebuildStep(Duration.ofSeconds(5))).isTrue();
        return built;
    }

    private RunLedger ledgerOver(KeyValueStore<String, RunRecord> runs, RunIndexes indexes) {
        return new RunLedger(runs, indexes, new RunTransitions(Duration.ofDays(3), script -> null),
                new Emitter(context, 1), new RunwardenMeters(new SimpleMeterRegistry()),
                new SweepBacklog(store("backlog-" + runs.hashCode(), Json.serde(SweepBacklog.Entry.class)), sweepWrites, 0),
                () -> clock);
    }

    /** The runIds of the due entries, each its run's own deadline: none stray. */
    private static List<String> dueEntries(RunIndexes indexes, Instant asOf, int limit) {
        DueChunk due = indexes.due(asOf, limit);
        assertThat(due.examined()).as("every entry its run's own deadline").isEqualTo(due.runs().size());
        return due.runs().stream().map(RunRecord::runId).toList();
    }

    /** The outcomes forwarded, in order, out of the records that gather them. */
    private List<RunOutcome> outcomes() {
        return forwardedTo(Emitter.OUTCOMES_SINK).stream()
                .flatMap(record -> Arrays.stream(Json.read((byte[]) record, RunOutcome[].class))).toList();
    }

    private List<Object> forwardedTo(String sink) {
        return context.forwarded().stream().filter(f -> f.childName().filter(sink::equals).isPresent())
                .<Object>map(f -> f.record().value()).toList();
    }

    private static LifecycleEvent event(String runId, EventType type, Instant time) {
        return new LifecycleEvent(runId, "backup", type, time, null, null);
    }

    private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
        KeyValueStore<String, V> built = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        built.init(context.getStateStoreContext(), built);
        return built;
    }
}
