package io.runwarden.runs;

import io.runwarden.model.ScriptStats;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The stats are read again whenever they may have changed: another version, or a merge older than its maximum age. */
class CachedStatsTest {
    private final AtomicReference<Object> version = new AtomicReference<>("stats-1");
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger reads = new AtomicInteger();
    private final Map<String, ScriptStats> stored = new HashMap<>(Map.of("backup", ScriptStats.empty("backup")));
    private final CachedStats cached = new CachedStats(version::get, () -> {
        reads.incrementAndGet();
        return stored;
    }, nanos::get);

    @Test
    void theSameVersionWithinTheMaximumAgeIsServedWithoutReading() {
        assertThat(cached.get()).containsOnlyKeys("backup");
        nanos.addAndGet(CachedStats.MAX_AGE.toNanos() - 1);
        stored.put("report", ScriptStats.empty("report"));

        assertThat(cached.get()).containsOnlyKeys("backup");
        assertThat(reads).hasValue(1);
    }

    @Test
    void anotherVersionIsReadAtOnce() {
        cached.get();
        stored.put("report", ScriptStats.empty("report"));
        version.set("stats-2");

        assertThat(cached.get()).containsOnlyKeys("backup", "report");
        assertThat(reads).hasValue(2);
    }

    @Test
    void pastItsMaximumAgeAMergeIsReadAgainWhateverTheVersion() {
        cached.get();
        stored.put("report", ScriptStats.empty("report"));
        nanos.addAndGet(CachedStats.MAX_AGE.toNanos());

        assertThat(cached.get()).containsOnlyKeys("backup", "report");
        assertThat(reads).hasValue(2);
    }

    @Test
    void aVersionThatMovesDuringTheReadIsNotTakenForTheReadOne() {
        CachedStats racing = new CachedStats(version::get, () -> {
            reads.incrementAndGet();
            Map<String, ScriptStats> seen = Map.copyOf(stored);
            version.set("stats-2"); // a change while the stores were read: what was read may predate it
            return seen;
        }, nanos::get);
        racing.get();
        stored.put("report", ScriptStats.empty("report"));

        assertThat(racing.get()).containsOnlyKeys("backup", "report");
    }
}
