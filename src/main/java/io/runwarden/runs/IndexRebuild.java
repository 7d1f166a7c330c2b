package io.runwarden.runs;

import io.runwarden.model.RunRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rebuilds one partition's indexes from its runs in short steps, between the events the task goes on applying: a
 * rebuild in one go could outlast the transaction that the thread's other tasks hold open, and a fenced producer
 * made disaster recovery fail for good. First the stale entries are cleared, then the runs are indexed in key
 * order; a run at or before the cursor is indexed, so a change to it updates its entries, and one after it is
 * indexed as it stands when the cursor reaches it. Sweeps and retention wait until the rebuild is complete.
 */
final class IndexRebuild {
    /** Runs or stale entries per batch: far below what any transaction timeout allows. */
    static final int BATCH = 2_000;

    private final KeyValueStore<String, RunRecord> runs;
    private final IndexWrites indexStore;
    private final RunIndexes indexes;
    private final IndexGeneration generation;
    private final int batchSize;
    private final List<IndexSpace> staleSpaces = new ArrayList<>(Arrays.asList(IndexSpace.values()));
    private byte[] cursor;
    private boolean complete;
    private boolean disowned;
    private int indexed;

    /** A rebuild that has nothing to do: the indexes were built from these very runs. */
    static IndexRebuild none() {
        IndexRebuild done = new IndexRebuild(null, null, null, null, BATCH);
        done.complete = true;
        return done;
    }

    /** @param batch runs or stale entries per batch ({@link #BATCH}) */
    static IndexRebuild start(KeyValueStore<String, RunRecord> runs, IndexWrites indexStore,
                              RunIndexes indexes, IndexGeneration generation, int batch) {
        generation.startRebuild();
        return new IndexRebuild(runs, indexStore, indexes, generation, batch);
    }

    private IndexRebuild(KeyValueStore<String, RunRecord> runs, IndexWrites indexStore,
                         RunIndexes indexes, IndexGeneration generation, int batch) {
        this.runs = runs;
        this.indexStore = indexStore;
        this.indexes = indexes;
        this.generation = generation;
        this.batchSize = batch;
        staleSpaces.remove(IndexSpace.GENERATION);
    }

    boolean complete() {
        return complete;
    }

    int indexed() {
        return indexed;
    }

    /** Whether the run's entries are in the indexes, so that a change to it must move them. */
    boolean covers(String runId) {
        return complete || cursor != null && Arrays.compareUnsigned(utf8(runId), cursor) <= 0;
    }

    /**
     * Before this task writes anything else: see {@link IndexGeneration#disownOthers}. Never in a task's init, where a
     * write to Kafka opens the thread's transaction too early. Once, and only while the rebuild is under way.
     */
    void disownOthers() {
        if (!complete && !disowned) {
            generation.disownOthers();
            disowned = true;
        }
    }

    /** At least one batch of the rebuild, and more for about {@code budget}. @return whether it is complete */
    boolean step(Duration budget) {
        if (complete) {
            return true;
        }
        disownOthers();
        long until = System.nanoTime() + budget.toNanos();
        do {
            batch();
        } while (!complete && System.nanoTime() < until);
        return complete;
    }

    /** One batch: clears or indexes at most {@code batch} entries. @return whether the rebuild is complete */
    private boolean batch() {
        if (!staleSpaces.isEmpty()) {
            clearSome();
        } else if (!complete) {
            indexSome();
        }
        return complete;
    }

    /** Deletes a batch of one space's stale entries; the space is done when a batch comes back short. */
    private void clearSome() {
        IndexSpace space = staleSpaces.get(0);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> it = indexStore.range(space.first(), space.last())) {
            while (it.hasNext() && keys.size() < batchSize) {
                keys.add(it.next().key);
            }
        }
        indexStore.gathered(() -> keys.forEach(indexStore::delete));
        if (keys.size() < batchSize) {
            staleSpaces.remove(0);
        }
    }

    private void indexSome() {
        List<RunRecord> found = new ArrayList<>();
        String last = null;
        try (KeyValueIterator<String, RunRecord> it = cursor == null ? runs.all()
                : runs.range(new String(cursor, StandardCharsets.UTF_8), null)) {
            while (it.hasNext() && found.size() < batchSize) {
                KeyValue<String, RunRecord> entry = it.next();
                if (cursor != null && Arrays.equals(utf8(entry.key), cursor)) {
                    continue;
                }
                found.add(entry.value);
                last = entry.key;
            }
        }
        indexes.indexAll(found);
        indexed += found.size();
        if (last != null) {
            cursor = utf8(last);
        }
        if (found.size() < batchSize) {
            indexes.saveKeptStats();
            generation.renew();
            complete = true;
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
