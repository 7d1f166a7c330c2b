package io.runwarden.stream;

import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.RunFailure;
import io.runwarden.model.RunRecord;
import io.runwarden.model.SweepPart;
import io.runwarden.model.SweepRequest;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/** The runs of one partition: applies events and sweeps, keeps the deadline index and publishes every change. */
final class RunLedger {
    private final KeyValueStore<String, RunRecord> runs;
    private final RunIndexes indexes;
    private final IndexRebuild rebuild;
    private final RunTransitions transitions;
    private final Emitter emitter;

    RunLedger(KeyValueStore<String, RunRecord> runs, RunIndexes indexes, IndexRebuild rebuild, RunTransitions transitions,
              Emitter emitter) {
        this.runs = runs;
        this.indexes = indexes;
        this.rebuild = rebuild;
        this.transitions = transitions;
        this.emitter = emitter;
    }

    void apply(LifecycleEvent event, long timestamp) {
        RunRecord before = runs.get(event.runId());
        RunRecord after = transitions.apply(before, event);
        if (after != before) {
            save(before, after, timestamp);
        }
    }

    /**
     * Fails up to {@code limit} in-progress runs of this partition whose deadline is at or before the sweep's asOf,
     * earliest deadline first. A part with {@code limit} failures may leave more due runs for another call.
     */
    SweepPart sweep(SweepRequest sweep, int partition, long timestamp, int limit) {
        List<String> due = indexes.deadlines().due(sweep.asOf(), limit);
        TreeSet<String> scripts = new TreeSet<>();
        int failed = 0;
        for (String runId : due) {
            RunRecord before = runs.get(runId);
            RunRecord after = transitions.timeout(before, sweep.asOf());
            save(before, after, timestamp);
            emitter.toFailures(runId, RunFailure.timeout(after, sweep), timestamp);
            failed++;
            if (after.scriptName() != null) {
                scripts.add(after.scriptName());
            }
        }
        return new SweepPart(sweep.sweepId(), partition, failed, List.copyOf(scripts), due.size(), false);
    }

    /**
     * Removes up to {@code limit} runs that finished before {@code cutoff}, oldest first, and publishes a
     * tombstone for each so that compaction drops them from script-runs too.
     * @return how many were removed
     */
    int expire(Instant cutoff, int limit, long timestamp) {
        if (!rebuild.complete()) {
            return 0; // it reads the index of finished runs: next time
        }
        List<String> expired = indexes.finishedBefore(cutoff, limit);
        for (String runId : expired) {
            RunRecord run = runs.get(runId);
            runs.delete(runId);
            indexes.remove(run, runs::get);
            emitter.toRuns(runId, null, timestamp);
        }
        return expired.size();
    }

    private void save(RunRecord before, RunRecord after, long timestamp) {
        runs.put(after.runId(), after);
        if (rebuild.covers(after.runId())) {
            indexes.update(before, after);
        }
        emitter.toRuns(after.runId(), after, timestamp);
    }
}
