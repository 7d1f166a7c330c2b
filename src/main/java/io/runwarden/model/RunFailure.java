package io.runwarden.model;

import java.time.Instant;

/** The {@code failed} event a sweep publishes on {@code script-run-failures} for each run it timed out. */
public record RunFailure(String runId, String scriptName, String event, Instant startTime, Instant time,
                         String message, String reason, String sweepId, String trigger) {

    public static RunFailure timeout(RunRecord run, SweepRequest sweep) {
        return new RunFailure(run.runId(), run.scriptName(), EventType.FAILED.wireName(), run.startTime(),
                run.endTime(), run.message(), RunRecord.REASON_TIMEOUT, sweep.sweepId(), sweep.trigger());
    }
}
