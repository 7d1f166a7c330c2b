package io.runwarden.runs;

import io.runwarden.model.CodePointOrder;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunTimes;
import io.runwarden.model.ScriptStats;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What a partition's indexes would answer, worked out from its runs by reading every one: how a query reads a
 * partition whose indexes are being rebuilt. The service is ready as soon as its runs are restored, and the rebuild,
 * which takes several times as long, goes on behind it; until it is complete a read of that partition costs a pass
 * over its runs ({@link LocalRuns} bounds them). Each answer is the one the complete indexes give
 * (LogsPagesProperties).
 */
final class IndexesFromRuns {
    private static final Comparator<KeyValue<String, RunRecord>> BY_KEY =
            Comparator.comparing((KeyValue<String, RunRecord> entry) -> entry.key, CodePointOrder.COMPARATOR);

    private IndexesFromRuns() {
    }

    /**
     * Entries of a listing as a pass read them, and their runs as the pass read them: a page takes both from the one
     * pass, so that a run that changed since cannot drop out of the page and leave it short.
     */
    record Listing(KeyValueIterator<String, String> entries, Map<String, RunRecord> runs) {
    }

    /**
     * The first {@code most} entries of a listing ({@link RunIndexes#listingKey}) from {@code lower} to {@code upper},
     * both inclusive as a store's range is, of the runs that {@code pass}, in key order: as {@link IndexView#range}
     * gives them. Only {@code most} are kept while the runs are read.
     */
    static Listing listing(ReadOnlyKeyValueStore<String, RunRecord> runs, IndexSpace space, String lower, String upper,
                           Predicate<RunRecord> pass, int most) {
        PriorityQueue<KeyValue<String, RunRecord>> last = new PriorityQueue<>(BY_KEY.reversed());
        forEach(runs, run -> {
            String key = RunIndexes.listingKey(space, run);
            if (key != null && CodePointOrder.compare(lower, key) <= 0 && CodePointOrder.compare(key, upper) <= 0
                    && pass.test(run)) {
                last.add(KeyValue.pair(key, run));
                if (last.size() > most) {
                    last.poll();
                }
            }
        });
        List<KeyValue<String, RunRecord>> first = new ArrayList<>(last);
        first.sort(BY_KEY);
        Map<String, RunRecord> kept = new HashMap<>();
        first.forEach(entry -> kept.put(entry.value.runId(), entry.value));
        return new Listing(iterator(first.stream().map(entry -> KeyValue.pair(entry.key, entry.value.runId())).toList()),
                kept);
    }

    /** Each script's stats, as the stats index holds them. */
    static Map<String, StoredStats> stats(ReadOnlyKeyValueStore<String, RunRecord> runs) {
        Map<String, StoredStats> stats = new HashMap<>();
        forEach(runs, run -> {
            if (run.scriptName() != null) {
                stats.put(run.scriptName(), counted(stats.getOrDefault(run.scriptName(), StoredStats.EMPTY), run));
            }
        });
        return stats;
    }

    private static StoredStats counted(StoredStats stats, RunRecord run) {
        StoredStats next = stats.count(run.status(), +1);
        if (next.latestIsOlderThan(run)) {
            next = next.withLatestRun(run);
        }
        if (ScriptStats.isStart(run) && (next.lastStart() == null || run.startTime().isAfter(next.lastStart()))) {
            next = next.withLastStart(run.startTime());
        }
        if (run.inProgress()) {
            // the open runs' index orders them by their listing time in whole milliseconds
            Instant listed = Instant.ofEpochMilli(RunTimes.sortTime(run).toEpochMilli());
            if (next.oldestInProgress() == null || listed.isBefore(next.oldestInProgress())) {
                next = next.withOldestInProgress(listed);
            }
        }
        return next;
    }

    /** Every run a sweep as of {@code asOf} would fail, earliest deadline first, as {@link DeadlineIndex#dueRuns} lists them. */
    static Collection<RunRecord> due(ReadOnlyKeyValueStore<String, RunRecord> runs, Instant asOf) {
        List<KeyValue<String, RunRecord>> due = new ArrayList<>();
        forEach(runs, run -> {
            if (DeadlineIndex.isDue(run, asOf)) {
                due.add(KeyValue.pair(DeadlineIndex.keyOf(run), run));
            }
        });
        due.sort(BY_KEY);
        return due.stream().map(entry -> entry.value).toList();
    }

    private static void forEach(ReadOnlyKeyValueStore<String, RunRecord> runs, Consumer<RunRecord> action) {
        try (KeyValueIterator<String, RunRecord> it = runs.all()) {
            while (it.hasNext()) {
                RunRecord run = it.next().value;
                if (run != null) {
                    action.accept(run);
                }
            }
        }
    }

    private static KeyValueIterator<String, String> iterator(List<KeyValue<String, String>> entries) {
        return new KeyValueIterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < entries.size();
            }

            @Override
            public KeyValue<String, String> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return entries.get(next++);
            }

            @Override
            public String peekNextKey() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return entries.get(next).key;
            }

            @Override
            public void close() {
            }
        };
    }
}
