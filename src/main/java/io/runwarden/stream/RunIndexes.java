package io.runwarden.stream;

import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunTimes;
import io.runwarden.model.ScriptStats;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import static io.runwarden.stream.IndexKeys.move;

/**
 * The read-side indexes of one partition, kept in step with every change of a run, so that a page of logs or
 * the dashboard reads about what it returns instead of every stored run.
 */
final class RunIndexes {
    private final KeyValueStore<String, String> store;
    private final DeadlineIndex deadlines;
    private final WritableIndex byTime;
    private final WritableIndex byScript;
    private final WritableIndex openByScript;
    private final WritableIndex finishedByEnd;
    private final WritableIndex stats;

    RunIndexes(KeyValueStore<String, String> store) {
        this.store = store;
        this.deadlines = new DeadlineIndex(new WritableIndex(store, IndexSpace.DEADLINE));
        this.byTime = new WritableIndex(store, IndexSpace.BY_TIME);
        this.byScript = new WritableIndex(store, IndexSpace.BY_SCRIPT);
        this.openByScript = new WritableIndex(store, IndexSpace.OPEN_BY_SCRIPT);
        this.finishedByEnd = new WritableIndex(store, IndexSpace.FINISHED);
        this.stats = new WritableIndex(store, IndexSpace.STATS);
    }

    DeadlineIndex deadlines() {
        return deadlines;
    }

    /** @param before the run before the change, null for a new run */
    void update(RunRecord before, RunRecord after) {
        deadlines.update(before, after);
        move(byTime, timeKey(before), timeKey(after), after.runId());
        move(byScript, scriptKey(before), scriptKey(after), after.runId());
        String openBefore = openKey(before);
        String openAfter = openKey(after);
        move(openByScript, openBefore, openAfter, after.runId());
        move(finishedByEnd, finishedKey(before), finishedKey(after), after.runId());
        if (after.scriptName() != null) {
            updateStats(before, after, openBefore, openAfter);
        }
    }

    /** The runIds of up to {@code limit} finished runs that ended before {@code cutoff}, oldest first. */
    List<String> finishedBefore(Instant cutoff, int limit) {
        return IndexKeys.valuesBefore(finishedByEnd, cutoff, limit);
    }

    /** Forgets a run: every index entry, its count, and the script's latest run when it was that one. */
    void remove(RunRecord run, Function<String, RunRecord> runs) {
        deadlines.update(run, null);
        move(byTime, timeKey(run), null, run.runId());
        move(byScript, scriptKey(run), null, run.runId());
        move(openByScript, openKey(run), null, run.runId());
        move(finishedByEnd, finishedKey(run), null, run.runId());
        String script = run.scriptName();
        ScriptStats current = script == null ? null : stats(script);
        if (current == null) {
            return;
        }
        ScriptStats next = current.count(run.status(), -1);
        if (next.latestRun() != null && next.latestRun().runId().equals(run.runId())) {
            next = next.withLatestRun(latestOf(script, runs));
        }
        if (next.inProgress() + next.success() + next.failed() <= 0) {
            stats.delete(script);
        } else {
            stats.put(script, Json.string(next));
        }
    }

    private RunRecord latestOf(String script, Function<String, RunRecord> runs) {
        try (KeyValueIterator<String, String> it =
                     byScript.range(IndexKeys.scriptPrefix(script), IndexKeys.scriptRangeEnd(script))) {
            return it.hasNext() ? runs.apply(it.next().value) : null;
        }
    }

    /** A script name is only ever filled in, never changed: before's name is null or after's. */
    private void updateStats(RunRecord before, RunRecord after, String openBefore, String openAfter) {
        String script = after.scriptName();
        ScriptStats current = stats(script);
        ScriptStats next = current == null ? ScriptStats.empty(script) : current;
        if (before != null && before.scriptName() != null) {
            next = next.count(before.status(), -1);
        }
        next = next.count(after.status(), +1);
        RunRecord latest = next.latestRun();
        if (latest == null || latest.runId().equals(after.runId()) || RunTimes.newer(after, latest)) {
            next = next.withLatestRun(after);
        }
        if (!Objects.equals(openBefore, openAfter)) {
            next = next.withOldestInProgress(next.inProgress() == 0 ? null
                    : oldestOpen(script, next.oldestInProgress(), openBefore, openAfter));
        }
        stats.put(script, Json.string(next));
    }

    /**
     * The script's oldest open run after one of its runs opened, closed or moved, while it still has one. Only when
     * the run that left was the oldest does the index need reading: an iterator per event was the dearest part of
     * applying one, and it grows dearer with every file RocksDB has yet to compact.
     */
    private Instant oldestOpen(String script, Instant oldest, String openBefore, String openAfter) {
        Instant left = openBefore == null ? null : IndexKeys.oldestFirstTime(openBefore.substring(script.length() + 1));
        if (left != null && oldest != null && !left.isAfter(oldest)) {
            return oldestOpen(script);
        }
        Instant joined = openAfter == null ? null : IndexKeys.oldestFirstTime(openAfter.substring(script.length() + 1));
        return joined != null && (oldest == null || joined.isBefore(oldest)) ? joined : oldest;
    }

    private ScriptStats stats(String script) {
        String json = stats.get(script);
        return json == null ? null : Json.read(json, ScriptStats.class);
    }

    private Instant oldestOpen(String script) {
        try (KeyValueIterator<String, String> it =
                     openByScript.range(IndexKeys.scriptPrefix(script), IndexKeys.scriptRangeEnd(script))) {
            return it.hasNext() ? IndexKeys.oldestFirstTime(it.next().key.substring(script.length() + 1)) : null;
        }
    }

    private static String timeKey(RunRecord run) {
        return run == null ? null : IndexKeys.newestFirst(RunTimes.sortTime(run), run.runId());
    }

    private static String scriptKey(RunRecord run) {
        return run == null || run.scriptName() == null ? null
                : IndexKeys.scriptPrefix(run.scriptName()) + timeKey(run);
    }

    private static String finishedKey(RunRecord run) {
        return run == null || run.inProgress() || run.endTime() == null ? null
                : IndexKeys.oldestFirst(run.endTime(), run.runId());
    }

    private static String openKey(RunRecord run) {
        return run == null || run.scriptName() == null || !run.inProgress() ? null
                : IndexKeys.scriptPrefix(run.scriptName()) + IndexKeys.oldestFirst(RunTimes.sortTime(run), run.runId());
    }
}
