package io.runwarden.stream;

import io.runwarden.model.RunRecord;
import io.runwarden.model.RunTimes;
import io.runwarden.model.ScriptStats;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.Objects;

/**
 * The read-side indexes of one partition, kept in step with every change of a run, so that a page of logs or
 * the dashboard reads about what it returns instead of every stored run.
 */
final class RunIndexes {
    private final DeadlineIndex deadlines;
    private final KeyValueStore<String, String> byTime;
    private final KeyValueStore<String, String> byScript;
    private final KeyValueStore<String, String> openByScript;
    private final KeyValueStore<String, ScriptStats> stats;

    RunIndexes(DeadlineIndex deadlines, KeyValueStore<String, String> byTime, KeyValueStore<String, String> byScript,
               KeyValueStore<String, String> openByScript, KeyValueStore<String, ScriptStats> stats) {
        this.deadlines = deadlines;
        this.byTime = byTime;
        this.byScript = byScript;
        this.openByScript = openByScript;
        this.stats = stats;
    }

    DeadlineIndex deadlines() {
        return deadlines;
    }

    /** @param before the run before the change, null for a new run */
    void update(RunRecord before, RunRecord after) {
        deadlines.update(before, after);
        move(byTime, before == null ? null : timeKey(before), timeKey(after), after.runId());
        move(byScript, scriptKey(before), scriptKey(after), after.runId());
        String openBefore = openKey(before);
        String openAfter = openKey(after);
        move(openByScript, openBefore, openAfter, after.runId());
        if (after.scriptName() != null) {
            updateStats(before, after, !Objects.equals(openBefore, openAfter));
        }
    }

    /** A script name is only ever filled in, never changed: before's name is null or after's. */
    private void updateStats(RunRecord before, RunRecord after, boolean openRunsChanged) {
        String script = after.scriptName();
        ScriptStats current = stats.get(script);
        ScriptStats next = current == null ? ScriptStats.empty(script) : current;
        if (before != null && before.scriptName() != null) {
            next = next.count(before.status(), -1);
        }
        next = next.count(after.status(), +1);
        RunRecord latest = next.latestRun();
        if (latest == null || latest.runId().equals(after.runId()) || RunTimes.newer(after, latest)) {
            next = next.withLatestRun(after);
        }
        if (openRunsChanged) {
            next = next.withOldestInProgress(oldestOpen(script));
        }
        stats.put(script, next);
    }

    private Instant oldestOpen(String script) {
        try (KeyValueIterator<String, String> it =
                     openByScript.range(IndexKeys.scriptPrefix(script), IndexKeys.scriptRangeEnd(script))) {
            return it.hasNext() ? IndexKeys.oldestFirstTime(it.next().key.substring(script.length() + 1)) : null;
        }
    }

    private static void move(KeyValueStore<String, String> index, String oldKey, String newKey, String runId) {
        if (oldKey != null && !oldKey.equals(newKey)) {
            index.delete(oldKey);
        }
        if (newKey != null && !newKey.equals(oldKey)) {
            index.put(newKey, runId);
        }
    }

    private static String timeKey(RunRecord run) {
        return IndexKeys.newestFirst(RunTimes.sortTime(run), run.runId());
    }

    private static String scriptKey(RunRecord run) {
        return run == null || run.scriptName() == null ? null
                : IndexKeys.scriptPrefix(run.scriptName()) + timeKey(run);
    }

    private static String openKey(RunRecord run) {
        return run == null || run.scriptName() == null || !run.inProgress() ? null
                : IndexKeys.scriptPrefix(run.scriptName()) + IndexKeys.oldestFirst(RunTimes.sortTime(run), run.runId());
    }
}
