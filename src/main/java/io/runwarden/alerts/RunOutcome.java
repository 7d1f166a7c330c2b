package io.runwarden.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runwarden.model.FailureReason;
import io.runwarden.model.RunRecord;

import java.time.Instant;

/**
 * How a run ended, sent from the run's partition to its script's partition of the alert outcomes, in the transaction
 * that ended it: every alert of a script is decided in one place, in one order. {@code reason} is null for a success.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunOutcome(String runId, String scriptName, FailureReason reason, Instant time, String message,
                         String sweepId, String checkId) {

    public static RunOutcome of(RunRecord run, String sweepId, String checkId) {
        return new RunOutcome(run.runId(), run.scriptName(), run.failureReason(), run.endTime(), run.message(), sweepId, checkId);
    }

    public boolean succeeded() {
        return reason == null;
    }
}
