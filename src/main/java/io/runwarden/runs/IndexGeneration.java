package io.runwarden.runs;

import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.List;
import java.util.UUID;

/**
 * Tells whether this instance's indexes were built from the very runs its store holds now. The runs come back
 * from their changelog after a crash, a move to another instance or a standby's promotion; the indexes do not.
 * Each rebuild writes a new generation both to a changelogged store (restored with the runs) and to a local one:
 * an instance holds a generation locally only if it built it, and any other instance that later processed these
 * runs deleted it as its own rebuild began, and wrote another one when it ended, so equal generations mean nothing
 * changed the runs behind the indexes' back. A writer that leaves no generation (an earlier release in the middle of
 * its rebuild) is told by the records it left in the runs' changelog instead ({@link RestoredRuns}).
 * While a rebuild is under way a local mark says so, and queries of the indexes wait for it.
 */
final class IndexGeneration {
    // the version of the indexes' form: a new one (stats gained lastStart; runs by status; stats as StoredStats;
    // deadlines held out for the next sweep) is built anew from the runs, and so is this one by an earlier release
    private static final String KEY = "generation-5";
    /**
     * Earlier forms' keys. A release that reads one of them and finds it equal to its local copy reuses its indexes:
     * so a rebuild deletes them, and a partition where one is back was processed by such a release since (a rolling
     * upgrade, a rollback), and is rebuilt.
     */
    private static final List<String> EARLIER_KEYS = List.of("generation-1", "generation-2", "generation-3", "generation-4");
    private static final String REBUILDING = "rebuilding";

    private final KeyValueStore<String, String> logged;
    private final WritableIndex local;

    /** @param indexes the local indexes' store: their generation lives with them, and goes when they are cleared */
    IndexGeneration(KeyValueStore<String, String> logged, IndexWrites indexes) {
        this.logged = logged;
        this.local = new WritableIndex(indexes, IndexSpace.GENERATION);
    }

    boolean current() {
        String generation = logged.get(KEY);
        return generation != null && generation.equals(local.get(KEY)) && local.get(REBUILDING) == null
                && EARLIER_KEYS.stream().allMatch(key -> logged.get(key) == null);
    }

    /** The indexes are about to be cleared and built anew: until {@link #renew}, they are neither current nor complete. */
    void startRebuild() {
        local.delete(KEY);
        local.put(REBUILDING, "true");
    }

    /**
     * Makes every other holder of the indexes' generation rebuild too: an instance (or an earlier release) that got
     * the partition back while this rebuild applies events would take its own indexes, which miss every run changed
     * here, for current. Before the task's first write (the rebuild's first step, or a run it changes before that),
     * not in {@link #startRebuild}: a changelog write there, in a task's init, opened the thread's transaction before
     * the other tasks' init and restore, past its timeout.
     */
    void disownOthers() {
        logged.delete(KEY);
        EARLIER_KEYS.forEach(logged::delete);
    }

    void renew() {
        EARLIER_KEYS.forEach(local::delete);
        String generation = UUID.randomUUID().toString();
        logged.put(KEY, generation);
        local.put(KEY, generation);
        local.delete(REBUILDING);
    }

    /** Whether a partition's indexes, as a query reads them, are being rebuilt (and so are incomplete). */
    static boolean rebuilding(ReadOnlyKeyValueStore<String, String> indexes) {
        return new IndexView(indexes, IndexSpace.GENERATION).get(REBUILDING) != null;
    }
}
