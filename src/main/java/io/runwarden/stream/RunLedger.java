package io.runwarden.stream;

import io.runwarden.alerts.RunOutcome;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.EventType;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.RunFailure;
import io.runwarden.model.RunRecord;
import io.runwarden.runs.DecidedRuns;
import io.runwarden.runs.DueChunk;
import io.runwarden.runs.RunIndexes;
import io.runwarden.model.FailureReason;
import io.runwarden.model.RunStatus;
import io.runwarden.model.Times;
import io.runwarden.schedule.ExpectedSlot;
import io.runwarden.schedule.MissedSlot;
import io.runwarden.schedule.StartChecks;
import io.runwarden.sweep.SweepBacklog;
import io.runwarden.sweep.SweepPart;
import io.runwarden.sweep.SweepProtocol;
import io.runwarden.sweep.SweepRequest;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/** The runs of one partition: applies events and sweeps, keeps the indexes in step and publishes every change. */
final class RunLedger implements SweepProtocol.PartitionRuns, StartChecks.PartitionRuns {
    /** Changed runs kept for the commit at most: beyond, they are written at once (a long commit interval). */
    static final int MAX_PENDING = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(RunLedger.class);
    /** A trickle of events, written at the end of the thread's pass: at most this many since the last write... */
    static final int TRICKLE_EVENTS = 8;
    /** ...which was at least this long ago. A flood brings more in less: at 400 events a second a task, it waits. */
    static final long TRICKLE_MS = 20;
    private final KeyValueStore<String, RunRecord> runs;
    private final RunIndexes indexes;
    private final RunTransitions transitions;
    private final Emitter emitter;
    private final RunwardenMeters meters;
    private final SweepBacklog sweeps;
    /**
     * Runs changed by events since the task's last commit, in the order of their last change: each is written once,
     * with its indexes, stats, record on script-runs and end, when the task commits ({@link #flush}).
     */
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final LongSupplier clock;
    private long flushedAt;
    private long appliedSinceFlush;

    /** A run as stored before the events since the last commit, and as they left it. */
    private record Pending(RunRecord stored, RunRecord latest, long timestamp) {
    }

    /** @param clock wall-clock milliseconds: when runs end, and to tell a trickle of events from a flood ({@link #flushIfTrickle}) */
    RunLedger(KeyValueStore<String, RunRecord> runs, RunIndexes indexes, RunTransitions transitions, Emitter emitter,
              RunwardenMeters meters, SweepBacklog sweeps, LongSupplier clock) {
        this.sweeps = sweeps;
        indexes.holdDue(sweeps.decidedUntil());
        this.clock = clock;
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

    /**
     * Whether the run, as the events applied so far leave it, takes this end or heartbeat: it is open, or, for an end,
     * a sweep timed it out and no late end came yet (the end is then its late completion, as the contract keeps both
     * facts). A run that is gone, or ended otherwise, would drop it unseen.
     */
    boolean takes(LifecycleEvent event) {
        RunRecord run = latest(event.runId());
        return event.type() == EventType.HEARTBEAT ? run != null && run.inProgress() : takesEnd(run);
    }

    /** Whether the run would take an end: it is open, or a sweep timed it out and no late end came yet. */
    boolean takesEnd(String runId) {
        return takesEnd(latest(runId));
    }

    private static boolean takesEnd(RunRecord run) {
        return run != null && (run.inProgress() || run.timedOut() && run.lateCompletion() == null);
    }

    /** The run as the events applied so far leave it: pending its write, or as stored. */
    private RunRecord latest(String runId) {
        Pending changed = pending.get(runId);
        return changed != null ? changed.latest() : stored(runId);
    }

    /**
     * The run as stored, failed first if a decided sweep fails it and has not yet written it: the sweep told its
     * home so, and nothing after its marker may change that (an end is then the run's late completion).
     */
    private RunRecord stored(String runId) {
        RunRecord run = runs.get(runId);
        if (run == null || !run.inProgress() || run.deadline() == null || sweeps.isEmpty()) {
            return run;
        }
        return sweeps.decidedCover(run.deadline()).filter(sweep -> indexes.inDeadlineIndex(run)).map(sweep -> {
            List<RunOutcome> ends = new ArrayList<>(1);
            RunRecord failed = timeout(run, sweep, ends, clock.getAsLong());
            emitter.toOutcomes(ends, clock.getAsLong());
            return failed;
        }).orElse(run);
    }

    /** Applies an event; its run is written, with every other the task changed, when the task commits ({@link #flush}). */
    void applyAtCommit(LifecycleEvent event, long timestamp) {
        appliedSinceFlush++;
        Pending changed = pending.get(event.runId());
        RunRecord before = changed != null ? changed.latest() : stored(event.runId());
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

    /**
     * Writes the changed runs now if only a trickle of events came since the last write: at most
     * {@link #TRICKLE_EVENTS}, and that write {@link #TRICKLE_MS} or more ago. A run so reported can be read at once,
     * while a flood (a backlog, a burst) is written once per run and commit. Called after each pass of the stream
     * thread over its records.
     */
    void flushIfTrickle() {
        if (!pending.isEmpty() && appliedSinceFlush <= TRICKLE_EVENTS && clock.getAsLong() - flushedAt >= TRICKLE_MS) {
            flush();
        }
    }

    /**
     * Writes the runs events changed since the last commit: before the commit, and before anything reads the runs. A
     * failure here is no event's fault (each was applied when it came): it fails the task, whose transaction is
     * aborted, and the events come again; carrying on would leave runs half written.
     */
    void flush() {
        flushedAt = clock.getAsLong();
        appliedSinceFlush = 0;
        List<RunOutcome> ends = new ArrayList<>();
        long last = 0;
        try {
            for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
                Pending changed = it.next();
                RunRecord before = changed.stored();
                RunRecord after = changed.latest();
                save(before, after, changed.timestamp());
                if (endIsNews(before, after)) {
                    ended(ends, RunOutcome.of(after, null, null));
                }
                last = Math.max(last, changed.timestamp());
                it.remove();
            }
        } catch (StreamsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StreamsException("writing the runs changed since the last commit failed", e);
        } finally {
            emitter.toOutcomes(ends, last); // the ends of the runs written, even if a later one failed
        }
    }

    /**
     * Fails up to {@code limit} in-progress runs of this partition whose deadline is at or before the sweep's asOf,
     * earliest deadline first. A part that read {@code limit} entries may leave more due runs for another call. The
     * deadline index is complete only once rebuilt: until then the sweep waits, and drives the rebuild on.
     */
    @Override
    public SweepPart failDue(SweepRequest sweep, int partition, long timestamp, int limit) {
        flush();
        if (!indexes.complete() && !indexes.rebuildStep(ScriptEventProcessor.REBUILD_STEP)) {
            return null;
        }
        DueChunk due = indexes.due(sweep.asOf(), limit);
        TreeSet<String> scripts = new TreeSet<>();
        List<RunOutcome> ends = new ArrayList<>(due.runs().size());
        try {
            for (RunRecord before : due.runs()) {
                RunRecord after = timeout(before, sweep, ends, timestamp);
                if (after.scriptName() != null) {
                    scripts.add(after.scriptName());
                }
            }
        } finally {
            emitter.toOutcomes(ends, timestamp); // the ends of the runs failed, even if a later one could not be
        }
        return new SweepPart(sweep.sweepId(), partition, due.runs().size(), List.copyOf(scripts), due.examined(), false);
    }

    /** Fails a run for a sweep: its record, its failed event and its end for the alerts, which {@code ends} gathers. */
    private RunRecord timeout(RunRecord before, SweepRequest sweep, List<RunOutcome> ends, long timestamp) {
        RunRecord after = transitions.timeout(before, sweep.asOf());
        save(before, after, timestamp);
        emitter.toFailures(after.runId(), RunFailure.timeout(after, sweep.sweepId(), sweep.trigger()), timestamp);
        ended(ends, RunOutcome.of(after, sweep.sweepId(), null));
        return after;
    }

    /**
     * Which runs of this partition a sweep fails, without failing them yet: the in-progress runs due by its asOf and
     * after {@code after} (those due before are an earlier sweep's), written later by {@link #failDue}. Runs reported
     * from now on are the next sweep's. Null when more than {@code limit} deadline entries would have to be read: one
     * transaction should not, and the sweep then fails its runs before it answers.
     */
    @Override
    public SweepPart decide(SweepRequest sweep, Instant after, int partition, int limit) {
        flush();
        DecidedRuns decided = indexes.decide(after, sweep.asOf(), limit);
        return decided == null ? null
                : new SweepPart(sweep.sweepId(), partition, decided.runs(), List.copyOf(decided.scripts()), decided.examined(),
                false);
    }

    /** Runs reported from now on, due by {@code until}, are held for the next sweep (null: none is). */
    @Override
    public void holdDue(Instant until) {
        flush(); // the runs changed before are the decided sweep's
        indexes.holdDue(until);
    }

    @Override
    public boolean readyToAnswer() {
        return indexes.complete() || indexes.rebuildStep(ScriptEventProcessor.REBUILD_STEP);
    }

    @Override
    public List<Integer> kept(List<ExpectedSlot> slots) {
        flush();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            ExpectedSlot slot = slots.get(i);
            if (indexes.startedWithin(slot.scriptName(), slot.from(), slot.to())) {
                kept.add(i);
            }
        }
        return kept;
    }

    /**
     * A slot no run kept, recorded as a failed run of its own, once: a record that comes twice changes nothing. A run
     * reported under the slot's runId does not silence it: the slot takes the next of its ids.
     */
    @Override
    public void recordMissed(MissedSlot missed, List<String> runIds, long timestamp) {
        flush();
        ExpectedSlot slot = missed.slot();
        String runId = null;
        for (String candidate : runIds) {
            RunRecord holder = runs.get(candidate);
            if (holder == null) {
                runId = candidate;
                break;
            }
            if (holder.failureReason() == FailureReason.MISSED && slot.scriptName().equals(holder.scriptName())
                    && slot.slot().equals(holder.startTime())) {
                return; // recorded already
            }
        }
        if (!slot.missedRunId().equals(runId)) {
            LOG.atWarn().addKeyValue("runId", slot.missedRunId()).addKeyValue("recordedAs", runId)
                    .log("A reported run holds the runId of a missed slot: the slot is recorded under another");
        }
        RunRecord run = RunRecord.builder(runId == null ? slot.missedRunId() : runId).scriptName(slot.scriptName())
                .status(RunStatus.FAILED).startTime(slot.slot()).endTime(missed.foundAt()).failureReason(FailureReason.MISSED)
                .message("Script did not start - expected at " + slot.slotText() + " (grace " + Times.amount(slot.grace()) + ")")
                .build();
        if (runId != null) {
            save(null, run, timestamp);
        } // else every id is held by runs someone reported to silence this slot: it is alerted, not kept
        emitter.toOutcomes(List.of(RunOutcome.missed(run, missed.checkId(), slot.to())), timestamp);
        meters.missedSlot();
    }

    @Override
    public void batchDone(String batchId, int partition, long timestamp) {
        emitter.batchDone(batchId, partition, timestamp);
    }


    /**
     * Whether the alerts have yet to hear of this run's end: it just ended, or it had ended with no script to tell
     * (an end that overtook its start, which names the script) and now has one.
     */
    private static boolean endIsNews(RunRecord before, RunRecord after) {
        return !after.inProgress() && (before == null || before.inProgress()
                || before.scriptName() == null && after.scriptName() != null);
    }

    /** A run of a script ended: its script's alerts decide what it means. */
    private static void ended(List<RunOutcome> ends, RunOutcome outcome) {
        if (outcome.scriptName() != null) {
            ends.add(outcome);
        }
    }

    /**
     * Removes up to {@code limit} runs that finished before {@code cutoff} (by the later of their end time and when their
     * end was recorded), oldest first, and publishes a
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

    /**
     * A run that ends is recorded as ended now, by the stream thread's clock ({@link RunRecord#endRecorded}): not by its
     * record's timestamp, which its producer sets (a wrong clock, a mirrored backfill).
     */
    private void save(RunRecord before, RunRecord after, long timestamp) {
        RunRecord saved = after.inProgress() || after.endRecorded() != null ? after
                : after.toBuilder().endRecorded(Instant.ofEpochMilli(clock.getAsLong())).build();
        runs.put(saved.runId(), saved);
        indexes.changed(before, saved);
        emitter.toRuns(saved.runId(), saved, timestamp);
    }
}
