package io.runwarden.model;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;
import java.time.Instant;

/**
 * The state of one run: the value of {@code script-runs} and of the logs API. {@code maxRuntime} is the limit the run
 * recorded when it started ({@link MaxRuntime#recorded}; null: the default applies). {@code endRecorded} is when its
 * end reached runwarden (the clock of the stream thread that wrote it), kept only in the runs' store: retention counts
 * from it, since the end time a script reports may lie long before. Changed through {@link #toBuilder}, which names
 * every field it sets: twelve positional fields, six of them instants, are too easy to swap.
 */
public record RunRecord(String runId, String scriptName, RunStatus status, Instant startTime, Instant endTime,
                        String message, FailureReason failureReason, Instant deadline, Instant lastHeartbeat,
                        LateCompletion lateCompletion, Duration maxRuntime,
                        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) Instant endRecorded) {

    public boolean inProgress() {
        return status == RunStatus.IN_PROGRESS;
    }

    public boolean timedOut() {
        return status == RunStatus.FAILED && failureReason == FailureReason.TIMEOUT;
    }

    /** A run known only by its id, in progress, with nothing else known yet. */
    public static Builder builder(String runId) {
        return new Builder(new RunRecord(runId, null, RunStatus.IN_PROGRESS, null, null, null, null, null, null, null, null, null));
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A copy of a run with some fields changed. */
    public static final class Builder {
        private String runId;
        private String scriptName;
        private RunStatus status;
        private Instant startTime;
        private Instant endTime;
        private String message;
        private FailureReason failureReason;
        private Instant deadline;
        private Instant lastHeartbeat;
        private LateCompletion lateCompletion;
        private Duration maxRuntime;
        private Instant endRecorded;

        private Builder(RunRecord run) {
            runId = run.runId;
            scriptName = run.scriptName;
            status = run.status;
            startTime = run.startTime;
            endTime = run.endTime;
            message = run.message;
            failureReason = run.failureReason;
            deadline = run.deadline;
            lastHeartbeat = run.lastHeartbeat;
            lateCompletion = run.lateCompletion;
            maxRuntime = run.maxRuntime;
            endRecorded = run.endRecorded;
        }

        public Builder scriptName(String value) {
            scriptName = value;
            return this;
        }

        public Builder status(RunStatus value) {
            status = value;
            return this;
        }

        public Builder startTime(Instant value) {
            startTime = value;
            return this;
        }

        public Builder endTime(Instant value) {
            endTime = value;
            return this;
        }

        public Builder message(String value) {
            message = value;
            return this;
        }

        public Builder failureReason(FailureReason value) {
            failureReason = value;
            return this;
        }

        public Builder deadline(Instant value) {
            deadline = value;
            return this;
        }

        public Builder lastHeartbeat(Instant value) {
            lastHeartbeat = value;
            return this;
        }

        public Builder lateCompletion(LateCompletion value) {
            lateCompletion = value;
            return this;
        }

        public Builder maxRuntime(Duration value) {
            maxRuntime = value;
            return this;
        }

        public Builder endRecorded(Instant value) {
            endRecorded = value;
            return this;
        }

        public RunRecord build() {
            return new RunRecord(runId, scriptName, status, startTime, endTime, message, failureReason, deadline,
                    lastHeartbeat, lateCompletion, maxRuntime, endRecorded);
        }
    }
}
