package io.runwarden.runs;

import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.RunTimes;
import io.runwarden.model.ScriptStats;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The stored form of a script's stats reads back as written, and merges as the dashboard's form does. */
class StoredStatsProperties {

    @Property(tries = 500)
    void readsBackAsWritten(@ForAll("stats") StoredStats stats) {
        assertThat(StoredStats.decode(stats.encode())).isEqualTo(stats);
    }

    /** Same millisecond and runIds of any width or script: the same latest run as ScriptStats.merge picks. */
    @Property(tries = 500)
    void mergesAsTheDashboardsFormDoes(@ForAll("runs") RunRecord a, @ForAll("runs") RunRecord b) {
        ScriptStats merged = ScriptStats.empty("s").withLatestRun(a).merge(ScriptStats.empty("s").withLatestRun(b));
        StoredStats stored = StoredStats.EMPTY.withLatestRun(a).merge(StoredStats.EMPTY.withLatestRun(b));

        assertThat(stored.latestRunId()).isEqualTo(merged.latestRun().runId());
        assertThat(StoredStats.EMPTY.withLatestRun(b).latestIsOlderThan(a)).isEqualTo(RunTimes.newer(a, b));
    }

    @Provide
    Arbitrary<StoredStats> stats() {
        Arbitrary<Long> counts = Arbitraries.longs().between(0, Long.MAX_VALUE / 4);
        return Combinators.combine(counts, counts, counts, runIds().injectNull(0.2), instants(), instants().injectNull(0.3),
                        instants().injectNull(0.3))
                .as((inProgress, success, failed, runId, latest, oldest, lastStart) -> new StoredStats(inProgress, success,
                        failed, runId, runId == null ? 0 : latest.toEpochMilli(), oldest, lastStart));
    }

    @Provide
    Arbitrary<RunRecord> runs() {
        return Combinators.combine(runIds(), Arbitraries.longs().between(-3, 3), Arbitraries.integers().between(0, 999_999))
                .as((runId, millis, nanos) -> RunRecord.builder(runId).scriptName("s").status(RunStatus.IN_PROGRESS)
                        .startTime(Instant.ofEpochMilli(1_764_000_000_000L + millis).plusNanos(nanos)).build());
    }

    private static Arbitrary<String> runIds() {
        return Arbitraries.strings().withChars("ab|é\uD83D\uDE00-").ofMinLength(1).ofMaxLength(6);
    }

    private static Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(-62_167_219_200_000L, 253_402_300_799_999L).map(Instant::ofEpochMilli);
    }
}
