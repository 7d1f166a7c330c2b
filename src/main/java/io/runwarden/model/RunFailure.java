package io.runwarden.model;

import java.time.Instant;

/** The {@code failed} event a sweep publishes on {@code script-run-failures} for each run it timed out. */
public record RunFailure(String runId, String scriptName, EventType event, Instant startTime, Instant time,
                         String message, FailureReason reason, String sweepId, Trigger trigger) {

    public static RunFailure timeout(RunRecord run, String sweepId, Trigger trigger) {
        return new RunFailure(run.runId(), run.scriptName(), EventType.FAILED, run.startTime(), run.endTime(),
                run.message(), FailureReason.TIMEOUT, sweepId, trigger);
    }
}
