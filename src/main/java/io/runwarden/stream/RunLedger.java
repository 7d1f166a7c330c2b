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
import java.util.List;
import java.util.TreeSet;

/** The runs of one partition: applies events and sweeps, keeps the indexes in step and publishes every change. */
final class RunLedger implements SweepProtocol.PartitionRuns, StartChecks.PartitionRuns {
    private final KeyValueStore<String, RunRecord> runs;
    private final RunIndexes indexes;
    private final RunTransitions transitions;
    private final Emitter emitter;
    private final RunwardenMeters meters;

    RunLedger(KeyValueStore<String, RunRecord> runs, RunIndexes indexes, RunTransitions transitions, Emitter emitter,
              RunwardenMeters meters) {
        this.runs = runs;
        this.indexes = indexes;
        this.transitions = transitions;
        this.emitter = emitter;
        this.meters = meters;
    }

    @Override
    public void apply(LifecycleEvent event, long timestamp) {
        RunRecord before = runs.get(event.runId());
        RunRecord after = transitions.apply(before, event);
        if (after != before) {
            save(before, after, timestamp);
            if ((before == null || before.inProgress()) && !after.inProgress()) {
                ended(RunOutcome.of(after, null, null), timestamp);
            }
        }
        meters.applied(event.type());
    }

    /**
     * Fails up to {@code limit} in-progress runs of this partition whose deadline is at or before the sweep's asOf,
     * earliest deadline first. A part with {@code limit} failures may leave more due runs for another call. The
     * deadline index is complete only once rebuilt: until then the sweep waits, and drives the rebuild on.
     */
    @Override
    public SweepPart failDue(SweepRequest sweep, int partition, long timestamp, int limit) {
        if (!indexes.complete() && !indexes.rebuildStep(ScriptEventProcessor.REBUILD_STEP)) {
            return null;
        }
        List<String> due = indexes.due(sweep.asOf(), limit);
        TreeSet<String> scripts = new TreeSet<>();
        for (String runId : due) {
            RunRecord before = runs.get(runId);
            RunRecord after = transitions.timeout(before, sweep.asOf());
            save(before, after, timestamp);
            emitter.toFailures(runId, RunFailure.timeout(after, sweep.sweepId(), sweep.trigger()), timestamp);
            ended(RunOutcome.of(after, sweep.sweepId(), null), timestamp);
            if (after.scriptName() != null) {
                scripts.add(after.scriptName());
            }
        }
        return new SweepPart(sweep.sweepId(), partition, due.size(), List.copyOf(scripts), due.size(), false);
    }

    @Override
    public boolean readyToAnswer() {
        return indexes.complete() || indexes.rebuildStep(ScriptEventProcessor.REBUILD_STEP);
    }

    @Override
    public boolean kept(ExpectedSlot slot) {
        return indexes.startedWithin(slot.scriptName(), slot.from(), slot.to());
    }

    /** A slot no run kept, recorded as a failed run of its own, once: a record that comes twice changes nothing. */
    @Override
    public void recordMissed(MissedSlot missed, long timestamp) {
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
        ended(RunOutcome.of(run, null, missed.checkId()), timestamp);
        meters.missedSlot();
    }

    @Override
    public void batchDone(String batchId, int partition, long timestamp) {
        emitter.batchDone(batchId, partition, timestamp);
    }


    /** A run of a script ended: its script's alerts decide what it means. */
    private void ended(RunOutcome outcome, long timestamp) {
        if (outcome.scriptName() != null) {
            emitter.toOutcomes(outcome, timestamp);
        }
    }

    /**
     * Removes up to {@code limit} runs that finished before {@code cutoff}, oldest first, and publishes a
     * tombstone for each so that compaction drops them from script-runs too.
     * @return how many were removed
     */
    int expire(Instant cutoff, int limit, long timestamp) {
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
