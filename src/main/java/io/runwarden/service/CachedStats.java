package io.runwarden.service;

import io.runwarden.model.ScriptStats;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * This instance's per-script stats, merged over its partitions once and served again while they cannot have changed:
 * the dashboard reads every script's stats, 10,000 JSON values parsed and merged per read. Stats change only as the
 * streams process records, and a record processed moves its task's committed offsets within a commit interval; what
 * changes them without a record (retention's punctuation) shows within {@link #MAX_AGE}.
 */
final class CachedStats {
    static final Duration MAX_AGE = Duration.ofSeconds(1);

    private record Snapshot(Object version, long takenAt, Map<String, ScriptStats> stats) {
    }

    private final Supplier<Object> version;
    private final Supplier<Map<String, ScriptStats>> read;
    private final LongSupplier nanoTime;
    private volatile Snapshot last;

    /**
     * @param version  what the stats were built from (the local tasks' committed offsets): equal versions, equal stats
     * @param read     the stats as the stores hold them now
     * @param nanoTime a monotonic clock, {@link System#nanoTime}
     */
    CachedStats(Supplier<Object> version, Supplier<Map<String, ScriptStats>> read, LongSupplier nanoTime) {
        this.version = version;
        this.read = read;
        this.nanoTime = nanoTime;
    }

    Map<String, ScriptStats> get() {
        Object current = version.get(); // before the read: a commit during it makes the next call read again
        Snapshot known = last;
        long now = nanoTime.getAsLong();
        if (known != null && known.version().equals(current) && now - known.takenAt() < MAX_AGE.toNanos()) {
            return known.stats();
        }
        Map<String, ScriptStats> stats = Map.copyOf(read.get());
        last = new Snapshot(current, now, stats);
        return stats;
    }
}
