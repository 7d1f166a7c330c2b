package io.runwarden.model;

import java.time.Duration;
import java.time.Instant;

/**
 * The state of one run: the value of {@code script-runs} and of the logs API.
 * {@code maxRuntime} is the run's own limit when it set one (null: the default applies).
 */
public record RunRecord(String runId, String scriptName, RunStatus status, Instant startTime, Instant endTime,
                        String message, FailureReason failureReason, Instant deadline, Instant lastHeartbeat,
                        LateCompletion lateCompletion, Duration maxRuntime) {

    public boolean inProgress() {
        return status == RunStatus.IN_PROGRESS;
    }

    public boolean timedOut() {
        return status == RunStatus.FAILED && failureReason == FailureReason.TIMEOUT;
    }

    public RunRecord withScriptName(String value) {
        return new RunRecord(runId, value, status, startTime, endTime, message, failureReason, deadline,
                lastHeartbeat, lateCompletion, maxRuntime);
    }

    public RunRecord withStart(Instant start, Duration ownMaxRuntime) {
        return new RunRecord(runId, scriptName, status, start, endTime, message, failureReason, deadline,
                lastHeartbeat, lateCompletion, ownMaxRuntime);
    }

    public RunRecord withDeadline(Instant value) {
        return new RunRecord(runId, scriptName, status, startTime, endTime, message, failureReason, value,
                lastHeartbeat, lateCompletion, maxRuntime);
    }

    public RunRecord withHeartbeat(Instant value) {
        return new RunRecord(runId, scriptName, status, startTime, endTime, message, failureReason, deadline,
                value, lateCompletion, maxRuntime);
    }

    public RunRecord withEnd(RunStatus endStatus, Instant end, String endMessage, FailureReason reason) {
        return new RunRecord(runId, scriptName, endStatus, startTime, end, endMessage, reason, deadline,
                lastHeartbeat, lateCompletion, maxRuntime);
    }

    public RunRecord withLateCompletion(LateCompletion value) {
        return new RunRecord(runId, scriptName, status, startTime, endTime, message, failureReason, deadline,
                lastHeartbeat, value, maxRuntime);
    }
}
