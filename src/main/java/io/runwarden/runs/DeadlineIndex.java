package io.runwarden.runs;

import io.runwarden.model.RunRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * In-progress runs ordered by deadline. Keys are "{@code <deadline millis, 19 digits>:<runId>}", so the
 * store's byte order is deadline order and a sweep range-scans exactly the runs that are due; values are the runs'
 * scripts, so that a sweep decides which runs it fails, and of which scripts, without reading them.
 */
final class DeadlineIndex {
    private final WritableIndex store;
    private final WritableIndex held;
    /** Whether entries may be held out: from the first one held until they are released. */
    private boolean holding;

    DeadlineIndex(WritableIndex store, WritableIndex held) {
        this.store = store;
        this.held = held;
    }

    /**
     * Keeps the index in step with a run that changed from {@code before} to {@code after} (either may be null). An
     * entry due by {@code holdUntil} (null: none) is held out of the index until {@link #release}.
     */
    void update(RunRecord before, RunRecord after, Instant holdUntil) {
        String oldKey = keyOf(before);
        String newKey = keyOf(after);
        if (oldKey != null && !oldKey.equals(newKey)) {
            store.delete(oldKey);
            if (holding) {
                held.delete(oldKey);
            }
        }
        if (newKey == null) {
            return;
        }
        if (!newKey.equals(oldKey)) {
            boolean hold = holdUntil != null && !after.deadline().isAfter(holdUntil);
            holding |= hold;
            (hold ? held : store).put(newKey, scriptOf(after));
        } else if (!scriptOf(after).equals(scriptOf(before))) {
            // a run whose start came after another of its events learns its script, where its entry is
            (holding && held.get(newKey) != null ? held : store).put(newKey, scriptOf(after));
        }
    }

    /** Entries may be held out from now on (a task that starts with a decided sweep may have some already). */
    void holding() {
        holding = true;
    }

    /** Whether the run's own entry is in the index, not held out of it. */
    boolean holds(RunRecord run) {
        String key = keyOf(run);
        return key != null && store.get(key) != null;
    }

    /** Whether any entry is held out of the index. */
    boolean anyHeld() {
        if (!holding) {
            return false; // none held since the last release
        }
        try (KeyValueIterator<String, String> it = held.all()) {
            return it.hasNext();
        }
    }

    /** Every entry held out goes back into the index: no sweep is left that they came after. */
    void release() {
        holding = false;
        List<KeyValue<String, String>> back = new ArrayList<>();
        try (KeyValueIterator<String, String> it = held.all()) {
            it.forEachRemaining(back::add);
        }
        for (KeyValue<String, String> entry : back) {
            held.delete(entry.key);
            store.put(entry.key, entry.value);
        }
    }

    /** The first {@code limit} entries (key, script) whose deadline is at or before {@code asOf}, earliest first. */
    List<KeyValue<String, String>> due(Instant asOf, int limit) {
        return due(null, asOf, limit);
    }

    /** The same, of the deadlines after {@code after} (null: any). */
    List<KeyValue<String, String>> due(Instant after, Instant asOf, int limit) {
        return IndexKeys.entriesBetween(store, after == null ? Instant.EPOCH : after.plusMillis(1), asOf.plusMillis(1),
                limit);
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


    /**
     * The same, read from a queried partition: every run a sweep as of {@code asOf} would fail there, once each,
     * earliest deadline first; the entries {@code held} out of the index for the next sweep too.
     */
    static Collection<RunRecord> dueRuns(IndexView index, IndexView held, Function<String, RunRecord> runs, Instant asOf) {
        List<KeyValue<String, String>> entries = new ArrayList<>(
                IndexKeys.entriesBefore(index, asOf.plusMillis(1), Integer.MAX_VALUE));
        entries.addAll(IndexKeys.entriesBefore(held, asOf.plusMillis(1), Integer.MAX_VALUE));
        entries.sort(Comparator.comparing(entry -> entry.key)); // deadline order: both are keyed alike
        Map<String, RunRecord> due = new LinkedHashMap<>();
        for (KeyValue<String, String> entry : entries) {
            RunRecord run = runs.apply(runIdOf(entry.key));
            if (fails(entry, run, asOf)) {
                due.putIfAbsent(run.runId(), run);
            }
        }
        return due.values();
    }

    private static String scriptOf(RunRecord run) {
        return Objects.toString(run.scriptName(), "");
    }

    /** The runId of an entry's key. */
    static String runIdOf(String key) {
        return key.substring(key.indexOf(':') + 1);
    }

    /** The run's entry: null unless it is in progress with a deadline. */
    static String keyOf(RunRecord run) {
        return run == null || !run.inProgress() || run.deadline() == null
                ? null : IndexKeys.oldestFirst(run.deadline(), run.runId());
    }
}
