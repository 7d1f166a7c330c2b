package io.runwarden.runs;

import io.runwarden.model.ScriptStats;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * This instance's per-script stats, merged over its partitions once and served again while they have not changed:
 * the dashboard reads every script's stats, and with 10,000 scripts a merge decodes 60,000 stored stats and reads
 * 10,000 latest runs. Each partition's indexes keep a version that moves with every change of its stats; a read of
 * another version merges again. {@link #MAX_AGE}
 * bounds how long a merge is served whatever the versions say: long enough that the first dashboard read after a quiet
 * spell does not merge 60,000 stats again when nothing changed.
 */
final class CachedStats {
    static final Duration MAX_AGE = Duration.ofMinutes(5);

    private record Snapshot(Object version, long takenAt, Map<String, ScriptStats> stats) {
    }

    private final Supplier<Object> version;
    private final Supplier<Map<String, ScriptStats>> read;
    private final LongSupplier nanoTime;
    private volatile Snapshot last;

    /**
     * @param version  what the stats were built as (each local partition's stats version): equal versions, equal stats
     * @param read     the stats as the stores hold them now
     * @param nanoTime a monotonic clock, {@link System#nanoTime}
     */
    CachedStats(Supplier<Object> version, Supplier<Map<String, ScriptStats>> read, LongSupplier nanoTime) {
        this.version = version;
        this.read = read;
        this.nanoTime = nanoTime;
    }

    Map<String, ScriptStats> get() {
        Object current = version.get(); // before the read: a change during it makes the next call read again
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
