package io.runwarden.http;

import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunTimes;
import io.runwarden.model.ScriptStats;
import io.runwarden.model.SweepProgress;
import io.runwarden.stream.DeadlineIndex;
import io.runwarden.stream.EventPartitions;
import io.runwarden.stream.IndexGeneration;
import io.runwarden.stream.IndexKeys;
import io.runwarden.stream.IndexSpace;
import io.runwarden.stream.IndexView;
import io.runwarden.stream.Stores;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Interactive queries over the partitions this instance owns. A logs page merges one ordered index iterator per
 * partition and reads runs only as it returns them, so its cost follows the page size, not the runs stored.
 */
public final class LocalQueries {
    private final KafkaStreams streams;

    public LocalQueries(KafkaStreams streams) {
        this.streams = streams;
    }

    public List<Integer> partitions() {
        return EventPartitions.activeHere(streams);
    }

    public Optional<RunRecord> run(String runId, int partition) {
        return Optional.ofNullable(this.<RunRecord>store(Stores.RUNS, partition).get(runId));
    }

    public Optional<SweepProgress> sweep(String sweepId, int partition) {
        return Optional.ofNullable(this.<SweepProgress>store(Stores.SWEEPS, partition).get(sweepId));
    }

    public LogsPage logs(LogsQuery query) {
        String prefix = query.scriptName() == null ? "" : query.scriptName() + '\0';
        IndexSpace index = query.scriptName() == null ? IndexSpace.BY_TIME : IndexSpace.BY_SCRIPT;
        String lower = prefix + max(query.after(), query.to() == null ? null : IndexKeys.newestFirstFrom(query.to()));
        // ';' follows ':' so the bound takes in every run of the `from` millisecond
        String upper = query.from() == null ? prefix + '\uffff' : prefix + IndexKeys.newestFirstFrom(query.from()) + ';';
        PriorityQueue<Cursor> heads = new PriorityQueue<>(Comparator.comparing(Cursor::position));
        List<KeyValueIterator<String, String>> open = new ArrayList<>();
        try {
            for (int partition : partitions()) {
                KeyValueIterator<String, String> it = index(index, partition).range(lower, upper);
                open.add(it);
                Cursor head = Cursor.next(it, prefix.length(), partition, query.after());
                if (head != null) {
                    heads.add(head);
                }
            }
            List<RunRecord> page = new ArrayList<>();
            while (page.size() < query.limit() && !heads.isEmpty()) {
                Cursor head = heads.poll();
                RunRecord run = this.<RunRecord>store(Stores.RUNS, head.partition()).get(head.runId());
                if (run != null && (query.status() == null || run.status() == query.status())) {
                    page.add(run);
                }
                Cursor next = Cursor.next(head.iterator(), prefix.length(), head.partition(), null);
                if (next != null) {
                    heads.add(next);
                }
            }
            boolean more = page.size() == query.limit() && !heads.isEmpty();
            return new LogsPage(page, more ? position(page.get(page.size() - 1)) : null);
        } finally {
            open.forEach(KeyValueIterator::close);
        }
    }

    /** Each script's stats over the local partitions. */
    public Map<String, ScriptStats> scriptStats() {
        Map<String, ScriptStats> merged = new HashMap<>();
        for (int partition : partitions()) {
            forEachStats(partition, stats -> merged.merge(stats.scriptName(), stats, ScriptStats::merge));
        }
        return merged;
    }

    /**
     * Runs in progress on the local partitions whose stats can be read now: a partition still restoring or moving in
     * a rebalance counts as none, so that a metrics scrape answers with what is there instead of failing.
     */
    public long runsInProgress() {
        long[] total = {0};
        for (int partition : partitions()) {
            try {
                forEachStats(partition, stats -> total[0] += stats.inProgress());
            } catch (InvalidStateStoreException e) {
                // counted again at the next scrape, once the partition has settled here or elsewhere
            }
        }
        return total[0];
    }

    private void forEachStats(int partition, Consumer<ScriptStats> action) {
        try (KeyValueIterator<String, String> it = index(IndexSpace.STATS, partition).all()) {
            it.forEachRemaining(kv -> action.accept(Json.read(kv.value, ScriptStats.class)));
        }
    }

    /** What a sweep as of {@code asOf} would fail on the local partitions; {@code limit} bounds the runs listed. */
    public DueRuns due(Instant asOf, int limit) {
        DueRuns merged = new DueRuns(0, List.of(), List.of());
        for (int partition : partitions()) {
            ReadOnlyKeyValueStore<String, RunRecord> runs = store(Stores.RUNS, partition);
            TreeSet<String> scripts = new TreeSet<>();
            List<RunRecord> first = new ArrayList<>();
            List<String> due = DeadlineIndex.due(index(IndexSpace.DEADLINE, partition), asOf);
            for (String runId : due) {
                RunRecord run = runs.get(runId);
                if (run != null && run.scriptName() != null) {
                    scripts.add(run.scriptName());
                }
                if (run != null && first.size() < limit) {
                    first.add(run);
                }
            }
            merged = merged.merge(new DueRuns(due.size(), List.copyOf(scripts), first), limit);
        }
        return merged;
    }

    /** The position of a run in the newest-first order: what a logs cursor holds. */
    public static String position(RunRecord run) {
        return IndexKeys.newestFirst(RunTimes.sortTime(run), run.runId());
    }

    /** Whether every local partition's indexes are complete: none is being rebuilt from its runs. */
    public boolean indexesComplete() {
        for (int partition : partitions()) {
            if (IndexGeneration.rebuilding(this.<String>store(Stores.INDEXES, partition))) {
                return false;
            }
        }
        return true;
    }

    /** An index of a partition; while the partition's indexes are being rebuilt, the query waits as in a rebalance. */
    private IndexView index(IndexSpace space, int partition) {
        ReadOnlyKeyValueStore<String, String> indexes = store(Stores.INDEXES, partition);
        if (IndexGeneration.rebuilding(indexes)) {
            throw new InvalidStateStoreException("the indexes of partition " + partition + " are being rebuilt");
        }
        return new IndexView(indexes, space);
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition) {
        return streams.store(StoreQueryParameters.<ReadOnlyKeyValueStore<String, V>>fromNameAndType(
                name, QueryableStoreTypes.keyValueStore()).withPartition(partition));
    }

    private static String max(String a, String b) {
        return a == null ? (b == null ? "" : b) : b == null || a.compareTo(b) > 0 ? a : b;
    }

    /** The next entry of one partition's index, positioned by its key without the script prefix. */
    private record Cursor(String position, String runId, int partition, KeyValueIterator<String, String> iterator) {
        static Cursor next(KeyValueIterator<String, String> it, int prefixLength, int partition, String skip) {
            while (it.hasNext()) {
                KeyValue<String, String> entry = it.next();
                String position = entry.key.substring(prefixLength);
                if (!position.equals(skip)) {
                    return new Cursor(position, entry.value, partition, it);
                }
            }
            return null;
        }
    }
}
