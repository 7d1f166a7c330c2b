package io.runwarden.model;

import java.time.Instant;

/** The time a run is listed by: its start, or what else is known while the start has not arrived. */
public final class RunTimes {
    private RunTimes() {
    }

    public static Instant sortTime(RunRecord run) {
        if (run.startTime() != null) {
            return run.startTime();
        }
        if (run.lastHeartbeat() != null) {
            return run.lastHeartbeat();
        }
        return run.endTime() != null ? run.endTime() : Instant.EPOCH;
    }

    /**
     * Whether {@code a} comes before {@code b} in the newest-first order of the logs: later first, and between
     * runs of the same millisecond the smaller runId (in code point order, as the stores' keys), so every instance picks the same "latest" run.
     */
    public static boolean newer(RunRecord a, RunRecord b) {
        int byTime = sortTime(a).truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                .compareTo(sortTime(b).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        return byTime != 0 ? byTime > 0 : CodePointOrder.compare(a.runId(), b.runId()) < 0;
    }
}
