package io.runwarden.stream;

import org.apache.kafka.streams.state.KeyValueStore;

import java.util.UUID;

/**
 * Tells whether this instance's indexes were built from the very runs its store holds now. The runs come back
 * from their changelog after a crash, a move to another instance or a standby's promotion; the indexes do not.
 * Each rebuild writes a new generation both to a changelogged store (restored with the runs) and to a local one:
 * an instance holds a generation locally only if it built it, and any other instance that later processed these
 * runs wrote another one, so equal generations mean nothing changed the runs behind the indexes' back.
 */
final class IndexGeneration {
    private static final String KEY = "generation";

    private final KeyValueStore<String, String> logged;
    private final WritableIndex local;

    /** @param indexes the local indexes' store: their generation lives with them, and goes when they are cleared */
    IndexGeneration(KeyValueStore<String, String> logged, KeyValueStore<String, String> indexes) {
        this.logged = logged;
        this.local = new WritableIndex(indexes, IndexSpace.GENERATION);
    }

    boolean current() {
        String generation = logged.get(KEY);
        return generation != null && generation.equals(local.get(KEY));
    }

    void renew() {
        String generation = UUID.randomUUID().toString();
        logged.put(KEY, generation);
        local.put(KEY, generation);
    }
}
