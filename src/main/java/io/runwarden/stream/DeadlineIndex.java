package io.runwarden.stream;

import io.runwarden.model.RunRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * In-progress runs ordered by deadline. Keys are "{@code <deadline millis, 19 digits>:<runId>}", so the
 * store's byte order is deadline order and a sweep range-scans exactly the runs that are due.
 */
public final class DeadlineIndex {
    private final KeyValueStore<String, String> store;

    public DeadlineIndex(KeyValueStore<String, String> store) {
        this.store = store;
    }

    /** Keeps the index in step with a run that changed from {@code before} to {@code after} (either may be null). */
    public void update(RunRecord before, RunRecord after) {
        String oldKey = keyOf(before);
        String newKey = keyOf(after);
        if (oldKey != null && !oldKey.equals(newKey)) {
            store.delete(oldKey);
        }
        if (newKey != null && !newKey.equals(oldKey)) {
            store.put(newKey, after.runId());
        }
    }

    /** The first {@code limit} runIds whose deadline is at or before {@code asOf}, earliest first. */
    public List<String> due(Instant asOf, int limit) {
        return due(store, asOf, limit);
    }

    /** The same, read from a queried store. */
    public static List<String> due(ReadOnlyKeyValueStore<String, String> store, Instant asOf) {
        return due(store, asOf, Integer.MAX_VALUE);
    }

    private static List<String> due(ReadOnlyKeyValueStore<String, String> store, Instant asOf, int limit) {
        List<String> runIds = new ArrayList<>();
        // the upper bound sorts before every key of the next millisecond: "...0001:" > "...0001"
        try (KeyValueIterator<String, String> it = store.range(prefix(0), prefix(asOf.toEpochMilli() + 1))) {
            while (it.hasNext() && runIds.size() < limit) {
                KeyValue<String, String> entry = it.next();
                runIds.add(entry.value);
            }
        }
        return runIds;
    }

    private static String keyOf(RunRecord run) {
        return run == null || !run.inProgress() || run.deadline() == null
                ? null : prefix(run.deadline().toEpochMilli()) + ":" + run.runId();
    }

    private static String prefix(long epochMillis) {
        return IndexKeys.digits(Math.max(0, epochMillis));
    }
}
