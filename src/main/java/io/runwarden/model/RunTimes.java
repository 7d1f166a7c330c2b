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
}
