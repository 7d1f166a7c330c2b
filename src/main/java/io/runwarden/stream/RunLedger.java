package io.runwarden.stream;

import io.runwarden.alerts.RunOutcome;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.RunFailure;
import io.runwarden.model.RunRecord;
import io.runwarden.runs.RunIndexes;
import io.runwarden.model.FailureReason;
import io.runwarden.model.RunStatus;
import io.runwarden.model.Times;
import io.runwarden.schedule.ExpectedSlot;
import io.runwarden.schedule.MissedSlot;
import io.runwarden.schedule.StartChecks;
import io.runwarden.sweep.SweepPart;
import io.runwarden.sweep.SweepProtocol;
import io.runwarden.sweep.SweepRequest;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The runs of one partition: applies events and sweeps, keeps the indexes in step and publishes every change. */
final class RunLedger implements SweepProtocol.PartitionRuns, StartChecks.PartitionRuns {
    /** Changed runs kept for the commit at most: beyond, they are written at once (a long commit interval). */
    static final int MAX_PENDING = 10_000;
    private final KeyValueStore<String, RunRecord> runs;
    private final RunIndexes indexes;
    private final RunTransitions transitions;
    private final Emitter emitter;
    private final RunwardenMeters meters;
    /**
     * Runs changed by events since the task's last commit, in the order of their last change: each is written once,
     * with its indexes, stats, record on script-runs and end, when the task commits ({@link #flush}).
     */
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    /** A run as stored before the events since the last commit, and as they left it. */
    private record Pending(RunRecord stored, RunRecord latest, long timestamp) {
    }

    RunLedger(KeyValueStore<String, RunRecord> runs, RunIndexes indexes, RunTransitions transitions, Emitter emitter,
              RunwardenMeters meters) {
        this.runs = runs;
        this.indexes = indexes;
        this.transitions = transitions;
        this.emitter = emitter;
        this.meters = meters;
    }

    /** Applies an event and writes its run at once: a sweep's answer reads its audit run right after. */
    @Override
    public void apply(LifecycleEvent event, long timestamp) {
        applyAtCommit(event, timestamp);
        flush();
    }

    /** Applies an event; its run is written, with every other the task changed, when the task commits ({@link #flush}). */
    void applyAtCommit(LifecycleEvent event, long timestamp) {
        Pending changed = pending.get(event.runId());
        RunRecord before = changed != null ? changed.latest() : runs.get(event.runId());
        RunRecord after = transitions.apply(before, event);
        if (after != before) {
            pending.remove(event.runId());
            pending.put(event.runId(), new Pending(changed != null ? changed.stored() : before, after, timestamp));
            if (pending.size() >= MAX_PENDING) {
                flush();
            }
        }
        meters.applied(event.type());
    }

    /** Writes the runs events changed since the last commit: before the commit, and before anything reads the runs. */
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<RunOutcome> ends = new ArrayList<>();
        long last = 0;
        for (Pending changed : pending.values()) {
            RunRecord before = changed.stored();
            RunRecord after = changed.latest();
            save(before, after, changed.timestamp());
            if ((before == null || before.inProgress()) && !after.inProgress()) {
                ended(ends, RunOutcome.of(after, null, null));
            }
            last = Math.max(last, changed.timestamp());
        }
        pending.clear();
        emitter.toOutcomes(ends, last);
    }

    /** Forgets the changes of a task closed without a commit: their events come again. */
    void drop() {
        pending.clear();
    }

    /**
     * Fails up to {@code limit} in-progress runs of this partition whose deadline is at or before the sweep's asOf,
     * earliest deadline first. A part with {@code limit} failures may leave more due runs for another call. The
     * deadline index is complete only once rebuilt: until then the sweep waits, and drives the rebuild on.
     */
    @Override
    public SweepPart failDue(SweepRequest sweep, int partition, long timestamp, int limit) {
        flush();
        if (!indexes.complete() && !indexes.rebuildStep(ScriptEventProcessor.REBUILD_STEP)) {
            return null;
        }
        List<String> due = indexes.due(sweep.asOf(), limit);
        TreeSet<String> scripts = new TreeSet<>();
        List<RunOutcome> ends = new ArrayList<>();
        for (String runId : due) {
            RunRecord before = runs.get(runId);
            RunRecord after = transitions.timeout(before, sweep.asOf());
            save(before, after, timestamp);
            emitter.toFailures(runId, RunFailure.timeout(after, sweep.sweepId(), sweep.trigger()), timestamp);
            ended(ends, RunOutcome.of(after, sweep.sweepId(), null));
            if (after.scriptName() != null) {
                scripts.add(after.scriptName());
            }
        }
        emitter.toOutcomes(ends, timestamp);
        return new SweepPart(sweep.sweepId(), partition, due.size(), List.copyOf(scripts), due.size(), false);
    }

    @Override
    public boolean readyToAnswer() {
        return indexes.complete() || indexes.rebuildStep(ScriptEventProcessor.REBUILD_STEP);
    }

    @Override
    public boolean kept(ExpectedSlot slot) {
        flush();
        return indexes.startedWithin(slot.scriptName(), slot.from(), slot.to());
    }

    /** A slot no run kept, recorded as a failed run of its own, once: a record that comes twice changes nothing. */
    @Override
    public void recordMissed(MissedSlot missed, long timestamp) {
        flush();
        ExpectedSlot slot = missed.slot();
        String runId = slot.missedRunId();
        if (runs.get(runId) != null) {
            return;
        }
        RunRecord run = RunRecord.builder(runId).scriptName(slot.scriptName()).status(RunStatus.FAILED)
                .startTime(slot.slot()).endTime(missed.foundAt()).failureReason(FailureReason.MISSED)
                .message("Script did not start - expected at " + slot.slotText() + " (grace " + Times.amount(slot.grace()) + ")")
                .build();
        save(null, run, timestamp);
        emitter.toOutcomes(List.of(RunOutcome.of(run, null, missed.checkId())), timestamp);
        meters.missedSlot();
    }

    @Override
    public void batchDone(String batchId, int partition, long timestamp) {
        emitter.batchDone(batchId, partition, timestamp);
    }


    /** A run of a script ended: its script's alerts decide what it means. */
    private static void ended(List<RunOutcome> ends, RunOutcome outcome) {
        if (outcome.scriptName() != null) {
            ends.add(outcome);
        }
    }

    /**
     * Removes up to {@code limit} runs that finished before {@code cutoff}, oldest first, and publishes a
     * tombstone for each so that compaction drops them from script-runs too.
     * @return how many were removed
     */
    int expire(Instant cutoff, int limit, long timestamp) {
        flush();
        if (!indexes.complete()) {
            return 0; // it reads the index of finished runs: next time
        }
        List<String> expired = indexes.finishedBefore(cutoff, limit);
        for (String runId : expired) {
            RunRecord run = runs.get(runId);
            runs.delete(runId);
            indexes.removed(run);
            emitter.toRuns(runId, null, timestamp);
        }
        return expired.size();
    }

    private void save(RunRecord before, RunRecord after, long timestamp) {
        runs.put(after.runId(), after);
        indexes.changed(before, after);
        emitter.toRuns(after.runId(), after, timestamp);
    }
}
