package io.runwarden.runs;

import io.runwarden.model.RunRecord;
import org.apache.kafka.streams.KeyValue;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * In-progress runs ordered by deadline. Keys are "{@code <deadline millis, 19 digits>:<runId>}", so the
 * store's byte order is deadline order and a sweep range-scans exactly the runs that are due.
 */
final class DeadlineIndex {
    private final WritableIndex store;

    DeadlineIndex(WritableIndex store) {
        this.store = store;
    }

    /** Keeps the index in step with a run that changed from {@code before} to {@code after} (either may be null). */
    void update(RunRecord before, RunRecord after) {
        IndexKeys.move(store, keyOf(before), keyOf(after), after == null ? null : after.runId());
    }

    /** The first {@code limit} entries (key, runId) whose deadline is at or before {@code asOf}, earliest first. */
    List<KeyValue<String, String>> due(Instant asOf, int limit) {
        return IndexKeys.entriesBefore(store, asOf.plusMillis(1), limit);
    }

    /** Whether an entry {@link #due} read is the run's own: its deadline as the run now stands. */
    static boolean isEntryOf(KeyValue<String, String> entry, RunRecord run) {
        return run != null && entry.key.equals(keyOf(run));
    }

    /** Whether the run is in progress with a deadline at or before {@code asOf}. */
    static boolean isDue(RunRecord run, Instant asOf) {
        return keyOf(run) != null && !run.deadline().isAfter(asOf);
    }

    /**
     * Whether a sweep as of {@code asOf} that read this entry fails its run: the entry is the run's own, or, out of
     * step with the run, it may be all the index still has of an in-progress run whose own deadline has passed.
     */
    static boolean fails(KeyValue<String, String> entry, RunRecord run, Instant asOf) {
        return isEntryOf(entry, run) || isDue(run, asOf);
    }

    void forget(KeyValue<String, String> entry) {
        store.delete(entry.key);
    }

    /** The same, read from a queried partition: every run a sweep as of {@code asOf} would fail there, once each. */
    static Collection<RunRecord> dueRuns(IndexView index, Function<String, RunRecord> runs, Instant asOf) {
        Map<String, RunRecord> due = new LinkedHashMap<>();
        for (KeyValue<String, String> entry : IndexKeys.entriesBefore(index, asOf.plusMillis(1), Integer.MAX_VALUE)) {
            RunRecord run = runs.apply(entry.value);
            if (fails(entry, run, asOf)) {
                due.putIfAbsent(entry.value, run);
            }
        }
        return due.values();
    }

    /** The run's entry: null unless it is in progress with a deadline. */
    static String keyOf(RunRecord run) {
        return run == null || !run.inProgress() || run.deadline() == null
                ? null : IndexKeys.oldestFirst(run.deadline(), run.runId());
    }
}
