package io.runwarden.runs;

import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptStats;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;

/** What the indexes of a partition hold, for tests of the topology that check them after a change. */
public final class IndexContents {
    private final ReadOnlyKeyValueStore<String, String> store;

    public IndexContents(ReadOnlyKeyValueStore<String, String> indexStore) {
        this.store = indexStore;
    }

    /** The runIds listed newest first. */
    public List<String> byTime() {
        return values(IndexSpace.BY_TIME);
    }

    /** The runIds listed by script. */
    public List<String> byScript() {
        return values(IndexSpace.BY_SCRIPT);
    }

    /** The runIds of in-progress runs, by deadline. */
    public List<String> deadlines() {
        return values(IndexSpace.DEADLINE);
    }

    /** The runIds of finished runs, by end. */
    public List<String> finished() {
        return values(IndexSpace.FINISHED);
    }

    /** A script's stats, with its latest run from {@code runs}; null when it has no run. */
    public ScriptStats stats(String script, ReadOnlyKeyValueStore<String, RunRecord> runs) {
        String text = new IndexView(store, IndexSpace.STATS).get(script);
        if (text == null) {
            return null;
        }
        StoredStats stats = StoredStats.decode(text);
        return stats.toScriptStats(script, stats.latestRunId() == null ? null : runs.get(stats.latestRunId()));
    }

    private List<String> values(IndexSpace space) {
        List<String> values = new ArrayList<>();
        try (KeyValueIterator<String, String> it = new IndexView(store, space).all()) {
            it.forEachRemaining(kv -> values.add(kv.value));
        }
        return values;
    }
}
