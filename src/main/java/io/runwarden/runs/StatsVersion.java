package io.runwarden.runs;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Tells a reader of a partition's per-script stats whether they changed since it last read them: a value, beside the
 * indexes' generation, that moves with every change of a script's stats, so that the dashboard can keep what it
 * merged instead of parsing 10,000 stats again. Unique to this writer (a restart or a move starts another), and not
 * changelogged: the indexes are not either.
 */
final class StatsVersion {
    private static final String KEY = "stats";

    private final WritableIndex marks;
    private final String writer = UUID.randomUUID() + ":";
    private long changes;

    StatsVersion(IndexWrites indexes) {
        this.marks = new WritableIndex(indexes, IndexSpace.GENERATION);
    }

    void next() {
        marks.put(KEY, writer + ++changes);
    }

    /** What a partition's stats were built as: its stats version and its indexes' generation, which a rebuild renews. */
    static List<String> of(ReadOnlyKeyValueStore<String, String> indexes) {
        List<String> marks = new ArrayList<>();
        try (KeyValueIterator<String, String> it = new IndexView(indexes, IndexSpace.GENERATION).all()) {
            it.forEachRemaining(kv -> marks.add(kv.key + "=" + kv.value));
        }
        return marks;
    }
}
