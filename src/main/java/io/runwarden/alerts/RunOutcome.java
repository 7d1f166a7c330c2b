package io.runwarden.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runwarden.model.FailureReason;
import io.runwarden.model.RunRecord;

import java.time.Instant;

/**
 * How a run ended, sent from the run's partition to its script's partition of the alert outcomes, in the transaction
 * that ended it: every alert of a script is decided in one place, in one order. {@code reason} is null for a success.
 * {@code since}, when given, is the instant the outcome holds from, earlier than its {@code time}: a missed slot was
 * missed once its grace ran out, not only once a check found it, so a success that ended in between is newer.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunOutcome(String runId, String scriptName, FailureReason reason, Instant time, String message,
                         String sweepId, String checkId, Instant since) {

    public RunOutcome(String runId, String scriptName, FailureReason reason, Instant time, String message,
                      String sweepId, String checkId) {
        this(runId, scriptName, reason, time, message, sweepId, checkId, null);
    }

    public static RunOutcome of(RunRecord run, String sweepId, String checkId) {
        return new RunOutcome(run.runId(), run.scriptName(), run.failureReason(), run.endTime(), run.message(), sweepId, checkId);
    }

    /**
     * A missed slot's run, found by a check: it holds from the end of the slot's grace, when that is earlier than the
     * run's end (a slot's grace may run past the last instant runwarden writes, where the end stops).
     */
    public static RunOutcome missed(RunRecord run, String checkId, Instant graceEnd) {
        Instant since = run.endTime() != null && graceEnd.isBefore(run.endTime()) ? graceEnd : null;
        return new RunOutcome(run.runId(), run.scriptName(), run.failureReason(), run.endTime(), run.message(), null, checkId,
                since);
    }

    /** The instant by which outcomes are ordered: {@code since} when given (and not later than the time), else the time. */
    public Instant at() {
        return since != null && time != null && since.isBefore(time) ? since : time;
    }

    public boolean succeeded() {
        return reason == null;
    }
}
