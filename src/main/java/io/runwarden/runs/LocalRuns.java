package io.runwarden.runs;

import io.runwarden.kafka.EventPartitions;
import io.runwarden.kafka.HeldStores;
import io.runwarden.kafka.PartitionStoreType;
import io.runwarden.kafka.StoreNames;
import io.runwarden.model.CodePointOrder;
import io.runwarden.model.Json;
import io.runwarden.model.RunJson;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.sweep.SweepWrites;
import io.runwarden.model.ScriptStats;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The reading side of the run read model, over the partitions this instance owns. A logs page merges one ordered
 * index iterator per partition and reads runs only as it returns them, so its cost follows the page size, not the
 * runs stored. A partition whose indexes are being rebuilt is read from its runs instead ({@link IndexesFromRuns}): the
 * same answers, at the cost of a pass over them, within bounds ({@link #read}).
 */
public final class LocalRuns {
    /** The stores of the partitions an instance holds. */
    public interface Partitions {
        /** The partitions held here, ascending. */
        List<Integer> held();

        <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition);

        /** A partition's runs by id, each as the runs' store keeps it ({@link RunJson}), unread. */
        Function<String, byte[]> storedRuns(int partition);
    }

    /**
     * The most runs one read passes over, on the partitions it reads whose indexes are being rebuilt: at 2 to 7 µs a
     * run, a few seconds, well within the 10 s another instance waits for an answer. Beyond it the read answers 503
     * until the rebuild is over, as it did before reads could pass over runs.
     */
    public static final long MOST_RUNS_PASSED = 500_000;
    /** How long a read waits for another read's pass over runs to end. */
    static final Duration PASS_WAIT = Duration.ofSeconds(3);
    /**
     * How long a read waits for the runs of a sweep its partitions answered to be written: 10,000 take well under a
     * second. Within the 10 s another instance waits for an answer.
     */
    static final Duration SWEEP_WRITE_WAIT = Duration.ofSeconds(8);

    private final Partitions partitions;
    private final SweepWrites sweepWrites;
    private final long mostRunsPassed;
    private final Duration passWait;
    /** Counts the partitions' stats read from their runs. */
    private final AtomicLong passes = new AtomicLong();
    /** One read at a time passes over runs: each is dear, and the rebuild that ends them needs the other core. */
    private final Semaphore passOverRuns = new Semaphore(1);
    private final CachedStats mergedStats = new CachedStats(this::statsVersion, this::mergeStats, System::nanoTime);

    public LocalRuns(Partitions partitions, SweepWrites sweepWrites) {
        this(partitions, sweepWrites, MOST_RUNS_PASSED, PASS_WAIT);
    }

    LocalRuns(Partitions partitions, SweepWrites sweepWrites, long mostRunsPassed, Duration passWait) {
        this.partitions = partitions;
        this.sweepWrites = sweepWrites;
        this.mostRunsPassed = mostRunsPassed;
        this.passWait = passWait;
    }

    /**
     * The partitions a Kafka Streams instance owns as active tasks, read through interactive queries.
     * @param restored the streams' restore listener, whose tasks closed and restores started make the stores be found again
     */
    public LocalRuns(KafkaStreams streams, SweepWrites sweepWrites, RestoredRuns restored) {
        this(new Partitions() {
            private final HeldStores stores = HeldStores.of(streams, restored::storeChanges);

            @Override
            public List<Integer> held() {
                return EventPartitions.activeHere(streams);
            }

            @Override
            public <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition) {
                return stores.store(name, partition);
            }

            @Override
            public Function<String, byte[]> storedRuns(int partition) {
                return PartitionStoreType.stored(stores.store(StoreNames.RUNS, partition));
            }
        }, sweepWrites);
    }

    public Optional<RunRecord> run(String runId, int partition) {
        if (!partitions().contains(partition)) { // a store kept open by a standby task is not this partition's answer
            throw new InvalidStateStoreException("partition " + partition + " is not held here as an active task");
        }
        sweepWrites.awaitWritten(List.of(partition), SWEEP_WRITE_WAIT);
        return Optional.ofNullable(this.<RunRecord>store(StoreNames.RUNS, partition).get(runId));
    }

    public LogsPage logs(LogsQuery query) {
        return read(reading -> page(query, reading));
    }

    private LogsPage page(LogsQuery query, Reading reading) {
        // one script's runs, else one status's, else all; a script's runs of one status are filtered from the script's
        String prefix = query.scriptName() != null ? IndexKeys.scriptPrefix(query.scriptName())
                : query.status() != null ? IndexKeys.statusPrefix(query.status()) : "";
        IndexSpace space = query.scriptName() != null ? IndexSpace.BY_SCRIPT
                : query.status() != null ? IndexSpace.BY_STATUS : IndexSpace.BY_TIME;
        String after = query.after();
        String lower = prefix + max(after, query.to() == null ? null : IndexKeys.newestFirstFrom(query.to()));
        // ';' follows ':' so the bound takes in every run of the `from` millisecond
        String upper = query.from() == null ? prefix + '\uffff' : prefix + IndexKeys.newestFirstFrom(query.from()) + ';';
        PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::position, CodePointOrder.COMPARATOR));
        List<KeyValueIterator<String, String>> open = new ArrayList<>();
        Function<Integer, ReadOnlyKeyValueStore<String, RunRecord>> runs = runStores();
        Map<Integer, Map<String, RunRecord>> passedRuns = new HashMap<>();
        try {
            for (int partition : partitions()) {
                KeyValueIterator<String, String> it;
                if (reading.passes(partition)) {
                    // a page takes at most limit entries a partition, one more to know that another page follows,
                    // and skips the cursor's own
                    IndexesFromRuns.Listing listing = IndexesFromRuns.listing(runs.apply(partition), space, lower, upper,
                            run -> query.status() == null || run.status() == query.status(), query.limit() + 2);
                    passedRuns.put(partition, listing.runs());
                    it = listing.entries();
                } else {
                    it = reading.index(space, partition).range(lower, upper);
                }
                open.add(it);
                Head head = Head.next(it, prefix.length(), partition, after);
                if (head != null) {
                    heads.add(head);
                }
            }
            Function<Integer, Function<String, byte[]>> stored = storedRuns();
            List<ListedRun> page = new ArrayList<>();
            while (page.size() < query.limit() && !heads.isEmpty()) {
                Head head = heads.poll();
                Map<String, RunRecord> listed = passedRuns.get(head.partition());
                ListedRun run = listed != null ? listed(head, listed.get(head.runId()), query.status())
                        : listed(head, stored.apply(head.partition()).apply(head.runId()), query.status());
                if (run != null) {
                    page.add(run);
                }
                Head next = Head.next(head.iterator(), prefix.length(), head.partition(), null);
                if (next != null) {
                    heads.add(next);
                }
            }
            return LogsPage.of(page, page.size() == query.limit() && !heads.isEmpty());
        } finally {
            open.forEach(KeyValueIterator::close);
        }
    }

    /** A run a pass read, if it has the status asked for. */
    private static ListedRun listed(Head head, RunRecord run, RunStatus status) {
        return run == null || (status != null && run.status() != status) ? null
                : new ListedRun(head.position(), Json.bytes(run));
    }

    /**
     * A run as stored, if it has the status asked for: its status is read again, as the stream thread may have changed
     * it since its index entry was read.
     */
    private static ListedRun listed(Head head, byte[] stored, RunStatus status) {
        return stored == null || (status != null && RunJson.status(stored) != status) ? null
                : new ListedRun(head.position(), RunJson.answered(stored));
    }

    /**
     * What the local partitions' stats were built as: equal answers, equal {@link #scriptStats}. It moves with every
     * change of a script's stats, a rebuild and a partition that comes or goes.
     */
    public Map<Integer, List<String>> statsVersion() {
        Map<Integer, List<String>> versions = new HashMap<>();
        for (int partition : writtenPartitions()) {
            // stats read from the runs are never the same twice: the rebuild moves no version as they change
            ReadOnlyKeyValueStore<String, String> indexes = store(StoreNames.INDEXES, partition); // found once: finding costs more than reading
            versions.put(partition, IndexGeneration.rebuilding(indexes) ? List.of("read from the runs " + passes.incrementAndGet())
                    : StatsVersion.of(indexes));
        }
        return versions;
    }

    /** Each script's stats over the local partitions, merged again only when their version moved ({@link CachedStats}). */
    public Map<String, ScriptStats> scriptStats() {
        return mergedStats.get();
    }

    /**
     * Merged as stored, and then the latest run of each script read from the one partition that holds it. Only after
     * {@link #statsVersion}, which waited for the sweeps' writes: a read waits for them once.
     */
    private Map<String, ScriptStats> mergeStats() {
        return read(partitions(), this::mergeStats);
    }

    private Map<String, ScriptStats> mergeStats(Reading reading) {
        Map<String, PartitionStats> merged = new HashMap<>();
        Function<Integer, ReadOnlyKeyValueStore<String, RunRecord>> runs = runStores();
        for (int partition : partitions()) {
            BiConsumer<String, StoredStats> merge = (script, stats) -> merged.merge(script,
                    new PartitionStats(stats, partition), PartitionStats::merge);
            if (reading.passes(partition)) {
                IndexesFromRuns.stats(runs.apply(partition)).forEach(merge);
            } else {
                forEachStats(reading.index(IndexSpace.STATS, partition), merge);
            }
        }
        Map<String, ScriptStats> stats = new HashMap<>();
        merged.forEach((script, partitionStats) -> stats.put(script, partitionStats.withLatestRun(script, runs)));
        return stats;
    }

    /** Stats merged over partitions, and the partition whose runs hold the latest. */
    private record PartitionStats(StoredStats stats, int latestIn) {
        PartitionStats merge(PartitionStats other) {
            StoredStats both = stats.merge(other.stats);
            return new PartitionStats(both, Objects.equals(both.latestRunId(), stats.latestRunId()) ? latestIn : other.latestIn);
        }

        ScriptStats withLatestRun(String script, Function<Integer, ReadOnlyKeyValueStore<String, RunRecord>> runs) {
            String runId = stats.latestRunId();
            RunRecord latest = runId == null ? null : runs.apply(latestIn).get(runId);
            return stats.toScriptStats(script, latest);
        }
    }

    /**
     * Runs in progress on the local partitions whose stats can be read now: a partition still restoring, moving in a
     * rebalance or rebuilding its indexes counts as none, so that a metrics scrape answers with what is there at once
     * instead of failing or passing over runs. Taken from the merged stats while every partition can be read: a count
     * of its own read every script's stats on every partition, 60,000 of them with 10,000 scripts, which made one
     * scrape take up to half a second.
     */
    public long runsInProgress() {
        try {
            if (partitionsRebuilding() == 0) {
                return scriptStats().values().stream().mapToLong(ScriptStats::inProgress).sum();
            }
        } catch (InvalidStateStoreException settling) {
            // counted partition by partition below
        }
        long[] total = {0};
        for (int partition : partitions()) {
            try {
                ReadOnlyKeyValueStore<String, String> indexes = store(StoreNames.INDEXES, partition);
                if (!IndexGeneration.rebuilding(indexes)) {
                    forEachStats(new IndexView(indexes, IndexSpace.STATS), (script, stats) -> total[0] += stats.inProgress());
                }
            } catch (InvalidStateStoreException settling) {
                // counted again at the next scrape, once the partition has settled here or elsewhere
            }
        }
        return total[0];
    }

    /** What a sweep as of {@code asOf} would fail on the local partitions; {@code limit} bounds the runs listed. */
    public DueRuns due(Instant asOf, int limit) {
        return read(reading -> due(asOf, limit, reading));
    }

    private DueRuns due(Instant asOf, int limit, Reading reading) {
        DueRuns merged = DueRuns.NONE;
        for (int partition : partitions()) {
            ReadOnlyKeyValueStore<String, RunRecord> runs = store(StoreNames.RUNS, partition);
            TreeSet<String> scripts = new TreeSet<>();
            List<RunRecord> first = new ArrayList<>();
            Collection<RunRecord> due = reading.passes(partition) ? IndexesFromRuns.due(runs, asOf)
                    : DeadlineIndex.dueRuns(reading.index(IndexSpace.DEADLINE, partition),
                    reading.index(IndexSpace.HELD, partition), runs::get, asOf);
            for (RunRecord run : due) {
                if (run.scriptName() != null) {
                    scripts.add(run.scriptName());
                }
                if (first.size() < limit) {
                    first.add(run);
                }
            }
            merged = merged.merge(new DueRuns(due.size(), List.copyOf(scripts), first), limit);
        }
        return merged;
    }

    /**
     * How many local partitions' indexes are being rebuilt (and their reads scan their runs meanwhile); a partition
     * still restoring or moving in a rebalance counts as none.
     */
    public long partitionsRebuilding() {
        long rebuilding = 0;
        for (int partition : partitions()) {
            try {
                rebuilding += rebuilding(partition) ? 1 : 0;
            } catch (InvalidStateStoreException settling) {
                // counted at the next scrape
            }
        }
        return rebuilding;
    }

    /**
     * A read of the local partitions, told which of them are being rebuilt and so are to be passed over. A read that
     * passes over runs waits for any other one's pass to end, at most {@link #passWait}, and passes over at most
     * {@link #mostRunsPassed}; beyond either it answers 503, as while a partition moves in a rebalance.
     */
    private <T> T read(Function<Reading, T> read) {
        return read(writtenPartitions(), read);
    }

    private <T> T read(List<Integer> held, Function<Reading, T> read) {
        Map<Integer, ReadOnlyKeyValueStore<String, String>> indexes = new HashMap<>();
        Set<Integer> passed = new TreeSet<>();
        for (int partition : held) {
            ReadOnlyKeyValueStore<String, String> found = store(StoreNames.INDEXES, partition);
            indexes.put(partition, found);
            if (IndexGeneration.rebuilding(found)) {
                passed.add(partition);
            }
        }
        Reading reading = new Reading(indexes, passed);
        if (passed.isEmpty()) {
            return read.apply(reading);
        }
        long runs = passed.stream().mapToLong(p -> store(StoreNames.RUNS, p).approximateNumEntries()).sum();
        if (runs > mostRunsPassed) {
            throw new InvalidStateStoreException("the indexes of partitions " + passed + " are being rebuilt, and their "
                    + runs + " runs are too many to read one by one");
        }
        try {
            if (!passOverRuns.tryAcquire(passWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new InvalidStateStoreException("the indexes of partitions " + passed
                        + " are being rebuilt, and other reads are going through their runs");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidStateStoreException("interrupted while waiting to read the runs of partitions " + passed);
        }
        try {
            return read.apply(reading);
        } finally {
            passOverRuns.release();
        }
    }

    /**
     * One read's view of the local partitions: each one's indexes found once (finding a store costs more than a read),
     * and those being rebuilt, whose runs it passes over.
     */
    private record Reading(Map<Integer, ReadOnlyKeyValueStore<String, String>> indexes, Set<Integer> passed) {
        boolean passes(int partition) {
            return passed.contains(partition);
        }

        IndexView index(IndexSpace space, int partition) {
            return new IndexView(indexes.get(partition), space);
        }
    }

    private boolean rebuilding(int partition) {
        return IndexGeneration.rebuilding(this.<String>store(StoreNames.INDEXES, partition));
    }

    private List<Integer> partitions() {
        return partitions.held();
    }

    /** The partitions held here, once the runs of every sweep they answered are written ({@link SweepWrites}). */
    private List<Integer> writtenPartitions() {
        List<Integer> held = partitions();
        sweepWrites.awaitWritten(held, SWEEP_WRITE_WAIT);
        return held;
    }

    /** The runs' store of each partition, found at most once for one query: finding it costs more than a read. */
    private Function<Integer, ReadOnlyKeyValueStore<String, RunRecord>> runStores() {
        Map<Integer, ReadOnlyKeyValueStore<String, RunRecord>> found = new HashMap<>();
        return partition -> found.computeIfAbsent(partition, p -> store(StoreNames.RUNS, p));
    }

    /** The runs of each partition as stored, found at most once for one query. */
    private Function<Integer, Function<String, byte[]>> storedRuns() {
        Map<Integer, Function<String, byte[]>> found = new HashMap<>();
        return partition -> found.computeIfAbsent(partition, partitions::storedRuns);
    }

    private static void forEachStats(IndexView stats, BiConsumer<String, StoredStats> action) {
        try (KeyValueIterator<String, String> it = stats.all()) {
            it.forEachRemaining(kv -> action.accept(kv.key, StoredStats.decode(kv.value)));
        }
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition) {
        return partitions.store(name, partition);
    }

    private static String max(String a, String b) {
        return a == null ? (b == null ? "" : b) : b == null || CodePointOrder.compare(a, b) > 0 ? a : b;
    }

    /** The next entry of one partition's index, positioned by its key without the script prefix. */
    private record Head(String position, String runId, int partition, KeyValueIterator<String, String> iterator) {
        static Head next(KeyValueIterator<String, String> it, int prefixLength, int partition, String skip) {
            while (it.hasNext()) {
                KeyValue<String, String> entry = it.next();
                String position = entry.key.substring(prefixLength);
                if (!position.equals(skip)) {
                    return new Head(position, entry.value, partition, it);
                }
            }
            return null;
        }
    }
}
