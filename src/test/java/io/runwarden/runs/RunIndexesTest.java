package io.runwarden.runs;

import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A sweep fails a run only by its own deadline, whatever else the deadline index holds. */
class RunIndexesTest {
    private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");
    private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    private final KeyValueStore<String, RunRecord> runs = store("runs", Json.serde(RunRecord.class));
    private final KeyValueStore<String, String> store = store("indexes", Serdes.String());
    private final RunIndexes indexes = RunIndexes.open(runs, store, store("generations", Serdes.String()), false);

    @Test
    void aDeadlineEntryThatIsNotItsRunsOwnIsDroppedNotFailed() {
        assertThat(indexes.rebuildStep(Duration.ofSeconds(5))).isTrue();
        saved(RunRecord.builder("open").scriptName("backup").status(RunStatus.IN_PROGRESS).startTime(START)
                .deadline(START.plus(Duration.ofHours(1))).build());
        saved(RunRecord.builder("ended").scriptName("backup").status(RunStatus.SUCCESS).startTime(START)
                .endTime(START.plusSeconds(60)).build());
        // stray entries, as indexes out of step with the runs would hold them: the ended run's deadline, the open
        // run's deadline before a heartbeat moved it, and a run that is gone
        store.put(IndexSpace.DEADLINE.key(IndexKeys.oldestFirst(START.plusSeconds(30), "ended")), "ended");
        store.put(IndexSpace.DEADLINE.key(IndexKeys.oldestFirst(START.plusSeconds(10), "open")), "open");
        store.put(IndexSpace.DEADLINE.key(IndexKeys.oldestFirst(START.plusSeconds(20), "gone")), "gone");

        DueChunk beforeItsDeadline = indexes.due(START.plus(Duration.ofMinutes(30)), 10);
        assertThat(beforeItsDeadline.runs()).as("no run is due by its own deadline").isEmpty();
        assertThat(beforeItsDeadline.examined()).isEqualTo(3);

        DueChunk due = indexes.due(START.plus(Duration.ofHours(2)), 10);
        assertThat(due.runs()).extracting(RunRecord::runId).containsExactly("open");
        assertThat(due.examined()).as("the stray entries were deleted").isEqualTo(1);
    }

    /**
     * An entry out of step with its in-progress run may be all the index has of it (its own lost): the sweep fails the
     * run by its own deadline once that has passed, once, and until then writes its own entry back for a later sweep.
     * A dry run's preview counts what the sweep would fail.
     */
    @Test
    void aStrayEntryOfAnOpenRunWhoseOwnEntryIsLostStillFailsItByItsOwnDeadline() {
        assertThat(indexes.rebuildStep(Duration.ofSeconds(5))).isTrue();
        RunRecord late = RunRecord.builder("late").scriptName("backup").status(RunStatus.IN_PROGRESS).startTime(START)
                .deadline(START.plus(Duration.ofHours(1))).build();
        RunRecord overdue = RunRecord.builder("overdue").scriptName("backup").status(RunStatus.IN_PROGRESS).startTime(START)
                .deadline(START.plus(Duration.ofMinutes(20))).build();
        runs.put(late.runId(), late); // indexed only by a stale deadline each, as after indexes out of step with the runs
        runs.put(overdue.runId(), overdue);
        store.put(IndexSpace.DEADLINE.key(IndexKeys.oldestFirst(START.plusSeconds(10), "late")), "late");
        store.put(IndexSpace.DEADLINE.key(IndexKeys.oldestFirst(START.plusSeconds(20), "overdue")), "overdue");
        store.put(IndexSpace.DEADLINE.key(IndexKeys.oldestFirst(START.plusSeconds(30), "overdue")), "overdue");
        Instant asOf = START.plus(Duration.ofMinutes(30));
        assertThat(DeadlineIndex.dueRuns(new IndexView(store, IndexSpace.DEADLINE),
                new IndexView(store, IndexSpace.HELD), runs::get, asOf))
                .as("the preview").extracting(RunRecord::runId).containsExactly("overdue");

        DueChunk due = indexes.due(asOf, 10);

        assertThat(due.runs()).extracting(RunRecord::runId).as("due by its own deadline, once").containsExactly("overdue");
        assertThat(indexes.due(asOf, 10).examined()).as("late's own entry, not yet due").isZero();
        assertThat(indexes.due(START.plus(Duration.ofHours(2)), 10).runs()).extracting(RunRecord::runId)
                .as("its own entry, written back").containsExactly("late");
    }

    /**
     * A dry run lists the runs held out of the index for the next sweep (reported after a decided sweep's marker) too:
     * the next sweep fails them.
     */
    @Test
    void aDryRunListsTheRunsHeldForTheNextSweep() {
        assertThat(indexes.rebuildStep(Duration.ofSeconds(5))).isTrue();
        saved(RunRecord.builder("early").scriptName("backup").status(RunStatus.IN_PROGRESS).startTime(START)
                .deadline(START.plusSeconds(10)).build());
        indexes.holdDue(START.plus(Duration.ofHours(1)));
        saved(RunRecord.builder("held").scriptName("backup").status(RunStatus.IN_PROGRESS).startTime(START)
                .deadline(START.plusSeconds(5)).build());
        Instant asOf = START.plus(Duration.ofHours(2));
        assertThat(indexes.due(asOf, 10).runs()).extracting(RunRecord::runId).as("not the decided sweep's")
                .containsExactly("early");

        assertThat(DeadlineIndex.dueRuns(new IndexView(store, IndexSpace.DEADLINE),
                new IndexView(store, IndexSpace.HELD), runs::get, asOf))
                .as("earliest deadline first").extracting(RunRecord::runId).containsExactly("held", "early");
    }

    /** A finished run's entry whose run is gone is dropped, not listed: retention goes on past it. */
    @Test
    void aFinishedEntryWhoseRunIsGoneIsDroppedAndRetentionGoesOn() {
        assertThat(indexes.rebuildStep(Duration.ofSeconds(5))).isTrue();
        saved(RunRecord.builder("old").scriptName("backup").status(RunStatus.SUCCESS).startTime(START)
                .endTime(START.plusSeconds(60)).build());
        store.put(IndexSpace.FINISHED.key(IndexKeys.oldestFirst(START.plusSeconds(30), "gone")), "gone");

        assertThat(indexes.finishedBefore(START.plus(Duration.ofDays(1)), 10)).containsExactly("old");
        assertThat(store.get(IndexSpace.FINISHED.key(IndexKeys.oldestFirst(START.plusSeconds(30), "gone")))).isNull();
    }

    private void saved(RunRecord run) {
        runs.put(run.runId(), run);
        indexes.changed(null, run);
    }

    private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
        KeyValueStore<String, V> made = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        made.init(context.getStateStoreContext(), made);
        return made;
    }
}
