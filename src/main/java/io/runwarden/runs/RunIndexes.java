package io.runwarden.runs;

import io.runwarden.model.RunRecord;
import io.runwarden.model.RunTimes;
import io.runwarden.model.ScriptStats;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The writing side of one partition's run read model: the indexes kept in step with every change of a run, so that
 * a page of logs, the dashboard or a sweep reads about what it returns instead of every stored run. The indexes are
 * not changelogged; when they were not built from the very runs the store holds (a crash, a move, a restore), they
 * are rebuilt step by step ({@link #rebuildStep}) while events go on being applied.
 */
public final class RunIndexes {
    /**
     * Scripts whose stats a partition keeps parsed: every script of most installations. An entry is about 200 bytes,
     * up to 1 KB with the longest script names and runIds: 3 to 16 MB a partition when full.
     */
    static final int CACHED_SCRIPTS = 16_384;
    /**
     * Kept, told apart by identity, for a script that has no stats here (no run): a missed-start check asks every
     * partition about every scheduled script, most of which have their runs elsewhere. Replaced once it has one here.
     */
    private static final StoredStats NO_STATS = new StoredStats(0, 0, 0, null, 0, null, null);

    private final KeyValueStore<String, RunRecord> runs;
    private final IndexWrites writes;
    private final DeadlineIndex deadlines;
    private final WritableIndex byTime;
    private final WritableIndex byScript;
    private final WritableIndex byStatus;
    private final WritableIndex openByScript;
    private final WritableIndex finishedByEnd;
    private final WritableIndex stats;
    /** Entries due by then are held out of the deadline index (see {@link #holdDue}); null: none. */
    private Instant holdUntil;
    private final StatsVersion statsVersion;
    /**
     * The stats this partition wrote last, as they read back: parsing them again was a tenth of applying an event.
     * Only this task writes the store, and a rebuild starts with a new instance, so they never go stale.
     */
    private final Map<String, StoredStats> storedStats;
    /**
     * Scripts whose kept stats the store has yet to get. Only while a rebuild runs, when no query reads them: it
     * changes a script's stats once a run, and writing them once a script instead was a third of rebuilding.
     */
    private final Set<String> unsaved = new HashSet<>();
    /**
     * Scripts whose stats a rebuild that still runs has written to the store: those it could keep no longer. A rebuild
     * clears the stats before it indexes a run, so no other script has any there, and reading each script's absence
     * (10,000 scripts on every partition) was a tenth of rebuilding (B4's floor).
     */
    private final Set<String> writtenWhileRebuilding = new HashSet<>();
    private IndexRebuild rebuild = IndexRebuild.none();

    RunIndexes(KeyValueStore<String, RunRecord> runs, KeyValueStore<String, String> store) {
        this(runs, store, CACHED_SCRIPTS);
    }

    RunIndexes(KeyValueStore<String, RunRecord> runs, KeyValueStore<String, String> store, int cachedScripts) {
        this.runs = runs;
        this.storedStats = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, StoredStats> eldest) {
                if (size() <= cachedScripts) {
                    return false;
                }
                if (unsaved.remove(eldest.getKey())) {
                    stats.put(eldest.getKey(), eldest.getValue().encode());
                    writtenWhileRebuilding.add(eldest.getKey());
                }
                return true;
            }
        };
        this.writes = new IndexWrites(store);
        this.deadlines = new DeadlineIndex(new WritableIndex(writes, IndexSpace.DEADLINE),
                new WritableIndex(writes, IndexSpace.HELD));
        this.byTime = new WritableIndex(writes, IndexSpace.BY_TIME);
        this.byScript = new WritableIndex(writes, IndexSpace.BY_SCRIPT);
        this.byStatus = new WritableIndex(writes, IndexSpace.BY_STATUS);
        this.openByScript = new WritableIndex(writes, IndexSpace.OPEN_BY_SCRIPT);
        this.finishedByEnd = new WritableIndex(writes, IndexSpace.FINISHED);
        this.stats = new WritableIndex(writes, IndexSpace.STATS);
        this.statsVersion = new StatsVersion(writes);
    }

    /**
     * A partition's indexes over its runs; a rebuild starts when they were not built from these very runs.
     * @param generations  the changelogged store of the indexes' generation
     * @param runsRestored whether the runs took records from their changelog since (see {@link RestoredRuns})
     */
    public static RunIndexes open(KeyValueStore<String, RunRecord> runs, KeyValueStore<String, String> indexes,
                                  KeyValueStore<String, String> generations, boolean runsRestored) {
        return open(runs, indexes, generations, runsRestored, IndexRebuild.BATCH, CACHED_SCRIPTS);
    }

    static RunIndexes open(KeyValueStore<String, RunRecord> runs, KeyValueStore<String, String> indexes,
                           KeyValueStore<String, String> generations, int batch) {
        return open(runs, indexes, generations, false, batch, CACHED_SCRIPTS);
    }

    static RunIndexes open(KeyValueStore<String, RunRecord> runs, KeyValueStore<String, String> indexes,
                           KeyValueStore<String, String> generations, boolean runsRestored, int batch, int cachedScripts) {
        RunIndexes opened = new RunIndexes(runs, indexes, cachedScripts);
        IndexGeneration generation = new IndexGeneration(generations, opened.writes);
        if (runsRestored || !generation.current()) {
            opened.rebuild = IndexRebuild.start(runs, opened.writes, opened, generation, batch);
        }
        return opened;
    }

    /** Whether the indexes cover every run: sweeps and retention read them only then. */
    public boolean complete() {
        return rebuild.complete();
    }

    /**
     * Takes the rebuild on for at least one batch and about {@code budget}: short enough to go between events inside
     * the transaction the task holds open. @return whether it is complete
     */
    public boolean rebuildStep(Duration budget) {
        return rebuild.step(budget);
    }

    /** The runs a rebuild has indexed. */
    public int rebuiltRuns() {
        return rebuild.indexed();
    }

    /** Keeps the indexes in step with a run that changed, already saved in the runs' store. @param before null for a new run */
    public void changed(RunRecord before, RunRecord after) {
        rebuild.disownOthers(); // a run changed here, before the rebuild's first step, is one they would miss
        if (rebuild.covers(after.runId())) {
            writes.gathered(() -> update(before, after, holdUntil));
        }
    }

    /**
     * Up to {@code limit} in-progress runs whose deadline is at or before {@code asOf}, earliest first, as stored. An
     * entry that is not its run's own deadline (the run gone, ended, or its deadline moved) is deleted and skipped:
     * none is written so, but failing such a run would be a false alarm, and a run that is gone would fail the task.
     */
    public DueChunk due(Instant asOf, int limit) {
        List<KeyValue<String, String>> entries = deadlines.due(asOf, limit);
        return due(entries, asOf);
    }

    /**
     * Which runs a sweep as of {@code asOf} fails, without failing them: the in-progress runs due after {@code after}
     * (null: any; those due before are an earlier sweep's), read from the deadline index alone (each entry is its
     * run's own: the index is written with the runs, and rebuilt from them). Null when {@code limit} entries or more
     * are due, or while runs are held out ({@link #anyHeld}). Runs reported from now on, due by then, are held out of
     * the index ({@link #holdDue}): they are the next sweep's.
     */
    public DecidedRuns decide(Instant after, Instant asOf, int limit) {
        if (anyHeld()) {
            return null;
        }
        List<KeyValue<String, String>> entries = deadlines.due(after, asOf, limit);
        if (entries.size() >= limit) {
            return null;
        }
        TreeSet<String> scripts = new TreeSet<>();
        for (KeyValue<String, String> entry : entries) {
            if (!entry.value.isEmpty()) {
                scripts.add(entry.value);
            }
        }
        return new DecidedRuns(entries.size(), scripts, entries.size());
    }

    /**
     * Holds the deadline entries of runs reported or changed from now on, due by {@code until}, out of the index:
     * a sweep decided the runs due by then and has yet to write them. Null puts every entry held back.
     */
    public void holdDue(Instant until) {
        holdUntil = until;
        if (until == null) {
            writes.gathered(deadlines::release);
        } else {
            deadlines.holding();
        }
    }

    /**
     * Whether a decided sweep that covers the run's deadline fails it: its entry is in the index, not held out of it.
     * While a rebuild runs every run is: it indexes none held out (which runs came after the sweep's marker is lost
     * with the old indexes), so the sweep's writes, which wait for it, will fail every such run too.
     */
    public boolean inDeadlineIndex(RunRecord run) {
        return !complete() || deadlines.holds(run);
    }

    /**
     * Whether some runs are held out of the index for a sweep after the decided one: a sweep decided now could not
     * tell them from the runs the earlier one writes, so it fails its runs before it answers.
     */
    public boolean anyHeld() {
        return deadlines.anyHeld();
    }

    private DueChunk due(List<KeyValue<String, String>> entries, Instant asOf) {
        Map<String, RunRecord> due = new LinkedHashMap<>();
        for (KeyValue<String, String> entry : entries) {
            RunRecord run = runs.get(DeadlineIndex.runIdOf(entry.key));
            if (DeadlineIndex.fails(entry, run, asOf)) {
                due.putIfAbsent(run.runId(), run);
            }
            if (!DeadlineIndex.isEntryOf(entry, run)) {
                // out of step with its run: dropped, and the run's own entry written (again) for a later sweep, if
                // it is still open and not failed now
                deadlines.forget(entry);
                if (!DeadlineIndex.isDue(run, asOf)) {
                    deadlines.update(null, run, holdUntil);
                }
            }
        }
        return new DueChunk(List.copyOf(due.values()), entries.size());
    }

    /**
     * Whether a start of the script (not a missed slot's record) lies from {@code from} to {@code to}, inclusive. The
     * script's latest start here, kept in its stats as its run stores it (to the millisecond), answers most slots
     * without a read of the index: a check asks every partition about each slot, and only the one holding the run
     * keeps it, most often with the script's latest start.
     */
    public boolean startedWithin(String script, Instant from, Instant to) {
        if (complete()) {
            StoredStats known = stats(script);
            Instant latest = known == null ? null : known.lastStart();
            if (latest == null || latest.isBefore(from.truncatedTo(ChronoUnit.MILLIS))) {
                return false;
            }
            if (!latest.isBefore(from) && !latest.isAfter(to)) {
                return true;
            }
        }
        String prefix = IndexKeys.scriptPrefix(script);
        // newest first: the later bound comes first; ';' follows ':' so the range takes in all of from's millisecond
        try (KeyValueIterator<String, String> it = byScript.range(prefix + IndexKeys.newestFirstFrom(to),
                prefix + IndexKeys.newestFirstFrom(from) + ';')) {
            while (it.hasNext()) {
                RunRecord run = runs.get(it.next().value);
                if (ScriptStats.isStart(run) && !run.startTime().isBefore(from) && !run.startTime().isAfter(to)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The runIds of up to {@code limit} finished runs that ended before {@code cutoff}, oldest first. An entry whose
     * run is gone (indexes out of step with the runs) is dropped, and not listed: it would stop retention there.
     */
    public List<String> finishedBefore(Instant cutoff, int limit) {
        List<String> finished = new ArrayList<>();
        for (KeyValue<String, String> entry : IndexKeys.entriesBefore(finishedByEnd, cutoff, limit)) {
            if (runs.get(entry.value) != null) {
                finished.add(entry.value);
            } else {
                finishedByEnd.delete(entry.key);
            }
        }
        return finished;
    }

    /** Forgets a run already deleted from the runs' store: every index entry, its count, its place as latest or oldest open. */
    public void removed(RunRecord run) {
        deadlines.update(run, null, null);
        String time = timeKey(run);
        IndexKeys.move(byTime, time, null, run.runId());
        IndexKeys.move(byScript, scriptKey(run, time), null, run.runId());
        IndexKeys.move(byStatus, statusKey(run, time), null, run.runId());
        IndexKeys.move(openByScript, openKey(run), null, run.runId());
        IndexKeys.move(finishedByEnd, finishedKey(run), null, run.runId());
        String script = run.scriptName();
        StoredStats current = script == null ? null : stats(script);
        if (current == null) {
            return;
        }
        StoredStats next = current.count(run.status(), -1);
        if (run.runId().equals(next.latestRunId())) {
            next = next.withLatestRun(latestOf(script));
        }
        String open = openKey(run);
        if (open != null) {
            next = next.withOldestInProgress(next.inProgress() == 0 ? null
                    : oldestOpen(script, next.oldestInProgress(), open, null));
        }
        if (ScriptStats.isStart(run) && run.startTime().equals(next.lastStart())) {
            next = next.withLastStart(lastStartOf(script));
        }
        if (next.runs() <= 0) {
            stats.delete(script);
            storedStats.remove(script);
            unsaved.remove(script);
            statsVersion.next();
        } else {
            save(script, next);
        }
    }

    /** Indexes runs that a rebuild reached, their entries written together. */
    void indexAll(List<RunRecord> found) {
        writes.gathered(() -> found.forEach(run -> update(null, run, null)));
    }

    void update(RunRecord before, RunRecord after, Instant holdUntil) {
        deadlines.update(before, after, holdUntil);
        String timeBefore = timeKey(before);
        String timeAfter = timeKey(after);
        IndexKeys.move(byTime, timeBefore, timeAfter, after.runId());
        String scriptBefore = scriptKey(before, timeBefore);
        String scriptAfter = scriptKey(after, timeAfter);
        IndexKeys.move(byScript, scriptBefore, scriptAfter, after.runId());
        IndexKeys.move(byStatus, statusKey(before, timeBefore), statusKey(after, timeAfter), after.runId());
        String openBefore = openKey(before);
        String openAfter = openKey(after);
        IndexKeys.move(openByScript, openBefore, openAfter, after.runId());
        IndexKeys.move(finishedByEnd, finishedKey(before), finishedKey(after), after.runId());
        if (after.scriptName() != null) {
            updateStats(before, after, !Objects.equals(scriptBefore, scriptAfter), openBefore, openAfter);
        }
    }

    /** The latest start among the script's runs: the first start in its listing, which is by start time. */
    private Instant lastStartOf(String script) {
        try (KeyValueIterator<String, String> it =
                     byScript.range(IndexKeys.scriptPrefix(script), IndexKeys.scriptRangeEnd(script))) {
            while (it.hasNext()) {
                RunRecord run = runs.get(it.next().value);
                if (ScriptStats.isStart(run)) {
                    return run.startTime();
                }
            }
        }
        return null;
    }

    private RunRecord latestOf(String script) {
        try (KeyValueIterator<String, String> it =
                     byScript.range(IndexKeys.scriptPrefix(script), IndexKeys.scriptRangeEnd(script))) {
            return it.hasNext() ? runs.get(it.next().value) : null;
        }
    }

    /**
     * A script name is only ever filled in, never changed: before's name is null or after's.
     * @param moved whether the run's place in the script's listing changed
     */
    private void updateStats(RunRecord before, RunRecord after, boolean moved, String openBefore, String openAfter) {
        String script = after.scriptName();
        StoredStats current = stats(script);
        StoredStats next = current == null ? StoredStats.EMPTY : current;
        if (before != null && before.scriptName() != null) {
            next = next.count(before.status(), -1);
        }
        next = next.count(after.status(), +1);
        if (next.latestIsOlderThan(after)) {
            next = next.withLatestRun(after);
        } else if (after.runId().equals(next.latestRunId())) {
            // the latest run moved back in the listing (a start that came after its heartbeat): another may now lead
            next = next.withLatestRun(moved ? latestOf(script) : after);
        }
        if (ScriptStats.isStart(before) && before.startTime().equals(next.lastStart())
                && !(ScriptStats.isStart(after) && !after.startTime().isBefore(before.startTime()))) {
            next = next.withLastStart(lastStartOf(script)); // the latest start moved back: never so by the transitions
        } else if (ScriptStats.isStart(after) && (next.lastStart() == null || after.startTime().isAfter(next.lastStart()))) {
            next = next.withLastStart(after.startTime());
        }
        if (!Objects.equals(openBefore, openAfter)) {
            next = next.withOldestInProgress(next.inProgress() == 0 ? null
                    : oldestOpen(script, next.oldestInProgress(), openBefore, openAfter));
        }
        save(script, next);
    }

    private void save(String script, StoredStats next) {
        storedStats.put(script, next);
        if (rebuild.complete()) {
            stats.put(script, next.encode());
            statsVersion.next();
        } else {
            unsaved.add(script);
        }
    }

    /** Writes the stats a rebuild kept back: the last step before it is complete. */
    void saveKeptStats() {
        for (String script : unsaved) {
            stats.put(script, storedStats.get(script).encode());
        }
        unsaved.clear();
        writtenWhileRebuilding.clear();
        statsVersion.next();
    }

    /**
     * The script's oldest open run after one of its runs opened, closed or moved, while it still has one. Only when
     * the run that left was the oldest does the index need reading: an iterator per event was the dearest part of
     * applying one, and it grows dearer with every file RocksDB has yet to compact.
     */
    private Instant oldestOpen(String script, Instant oldest, String openBefore, String openAfter) {
        Instant left = openBefore == null ? null : oldestFirstTime(script, openBefore);
        if (left != null && oldest != null && !left.isAfter(oldest)) {
            return oldestOpen(script);
        }
        Instant joined = openAfter == null ? null : oldestFirstTime(script, openAfter);
        return joined != null && (oldest == null || joined.isBefore(oldest)) ? joined : oldest;
    }

    /** The time of a key of {@link IndexSpace#OPEN_BY_SCRIPT}: the run's listing time as the index orders it. */
    private static Instant oldestFirstTime(String script, String openKey) {
        return IndexKeys.oldestFirstTime(openKey.substring(script.length() + 1));
    }

    private StoredStats stats(String script) {
        StoredStats kept = storedStats.get(script);
        if (kept == NO_STATS) {
            return null;
        }
        if (kept != null || !rebuild.complete() && !writtenWhileRebuilding.contains(script)) {
            return kept;
        }
        String text = stats.get(script);
        StoredStats read = text == null ? null : StoredStats.decode(text);
        storedStats.put(script, read == null ? NO_STATS : read);
        return read;
    }

    private Instant oldestOpen(String script) {
        try (KeyValueIterator<String, String> it =
                     openByScript.range(IndexKeys.scriptPrefix(script), IndexKeys.scriptRangeEnd(script))) {
            return it.hasNext() ? IndexKeys.oldestFirstTime(it.next().key.substring(script.length() + 1)) : null;
        }
    }

    /** A run's place in the newest-first listing of every run: also what a logs cursor remembers. */
    static String timeKey(RunRecord run) {
        return run == null ? null : IndexKeys.newestFirst(RunTimes.sortTime(run), run.runId());
    }

    /** A run's key in one of the listings (every run, one script's, one status's); null where it is not listed. */
    static String listingKey(IndexSpace space, RunRecord run) {
        String time = timeKey(run);
        return switch (space) {
            case BY_TIME -> time;
            case BY_SCRIPT -> scriptKey(run, time);
            case BY_STATUS -> statusKey(run, time);
            default -> throw new IllegalArgumentException(space + " is not a listing");
        };
    }

    /** @param timeKey the run's {@link #timeKey} */
    private static String scriptKey(RunRecord run, String timeKey) {
        return run == null || run.scriptName() == null ? null : IndexKeys.scriptPrefix(run.scriptName()) + timeKey;
    }

    private static String statusKey(RunRecord run, String timeKey) {
        return run == null ? null : IndexKeys.statusPrefix(run.status()) + timeKey;
    }

    /**
     * A finished run's place in the retention order: the later of its end time and when its end was recorded, so that
     * a run reported with old times (a backfill, a wrong clock) is kept its full retention too. A run stored before
     * ends were recorded goes by its end time.
     */
    private static String finishedKey(RunRecord run) {
        if (run == null || run.inProgress() || run.endTime() == null) {
            return null;
        }
        Instant recorded = run.endRecorded();
        return IndexKeys.oldestFirst(recorded != null && recorded.isAfter(run.endTime()) ? recorded : run.endTime(),
                run.runId());
    }

    private static String openKey(RunRecord run) {
        return run == null || run.scriptName() == null || !run.inProgress() ? null
                : IndexKeys.scriptPrefix(run.scriptName()) + IndexKeys.oldestFirst(RunTimes.sortTime(run), run.runId());
    }
}
