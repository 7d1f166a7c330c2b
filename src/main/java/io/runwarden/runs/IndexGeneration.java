package io.runwarden.runs;

import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.List;
import java.util.UUID;

/**
 * Tells whether this instance's indexes were built from the very runs its store holds now. Both come back from
 * their changelogs, written in the same transactions, after a crash, a move or a standby's promotion. Each rebuild
 * writes a new generation both to a store of its own and into the indexes' store; they differ, or an earlier form's
 * key is back, when an earlier release (whose indexes were not changelogged) processed these runs since, and then
 * the indexes are rebuilt. While a rebuild is under way a mark says so, and queries of the indexes wait for it.
 */
final class IndexGeneration {
    // the version of the indexes' form: a new one (stats gained lastStart; runs by status; stats as StoredStats) is
    // built anew from the runs (generation-5: changelogged with them)
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

    void renew() {
        for (String earlier : EARLIER_KEYS) {
            logged.delete(earlier);
            local.delete(earlier);
        }
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
