package io.runwarden.stream;

import io.runwarden.model.Bounds;
import io.runwarden.model.EventType;
import io.runwarden.model.FailureReason;
import io.runwarden.model.InvalidEventException;
import io.runwarden.model.LateCompletion;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.MaxRuntime;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.Times;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * How an event changes a run, as pure functions. Events may come twice or out of order: the first end wins,
 * a start after an end only fills in what the run lacked, and nothing reopens a run. An end that contradicts the
 * one the run has (a runId used for a second run) is refused, so that a failure so reported is a dead letter, not lost.
 */
public final class RunTransitions {
    private final Duration defaultMaxRuntime;
    private final Function<String, Duration> scriptMaxRuntime;

    /** @param scriptMaxRuntime a script's policy for its new runs, null when it has none */
    public RunTransitions(Duration defaultMaxRuntime, Function<String, Duration> scriptMaxRuntime) {
        this.defaultMaxRuntime = defaultMaxRuntime;
        this.scriptMaxRuntime = scriptMaxRuntime;
    }

    /** @return the run after the event; the very same instance when the event changes nothing */
    public RunRecord apply(RunRecord current, LifecycleEvent event) {
        if (current == null) {
            return create(event);
        }
        RunRecord run = current.scriptName() == null && event.scriptName() != null
                ? current.toBuilder().scriptName(event.scriptName()).build() : current;
        return switch (event.type()) {
            case STARTED -> run.startTime() == null ? started(run, event) : run;
            case HEARTBEAT -> run.inProgress() && isLater(event.time(), run.lastHeartbeat())
                    ? withDeadline(run.toBuilder().lastHeartbeat(event.time())) : run;
            case SUCCEEDED, FAILED -> end(withNamedStart(run, event), event);
        };
    }

    /** A run whose deadline passed: failed as of the sweep, with the original message. */
    RunRecord timeout(RunRecord run, Instant asOf) {
        return run.toBuilder().status(RunStatus.FAILED).endTime(asOf).message(timeoutMessage(maxRuntime(run)))
                .failureReason(FailureReason.TIMEOUT).build();
    }

    static String timeoutMessage(Duration maxRuntime) {
        return "Script marked as failed - exceeded " + Times.describe(maxRuntime) + " timeout";
    }

    Duration maxRuntime(RunRecord run) {
        return MaxRuntime.effective(run.maxRuntime(), defaultMaxRuntime);
    }

    private RunRecord create(LifecycleEvent event) {
        RunRecord empty = RunRecord.builder(event.runId()).scriptName(event.scriptName()).message(event.message()).build();
        return switch (event.type()) {
            case STARTED -> started(empty, event);
            // a heartbeat that overtook its start (or whose start was lost) still proves the run alive: keep it, with
            // its script's limit, as a start would have
            case HEARTBEAT -> withDeadline(empty.toBuilder().lastHeartbeat(event.time())
                    .maxRuntime(MaxRuntime.recorded(null, policyOf(empty.scriptName()))));
            case SUCCEEDED, FAILED -> end(withNamedStart(empty, event), event);
        };
    }

    /** A whole run in one record names its start: it fills in a start the run lacks, as a start event would. */
    private static RunRecord withNamedStart(RunRecord run, LifecycleEvent end) {
        return end.startTime() != null && run.startTime() == null ? run.toBuilder().startTime(end.startTime()).build() : run;
    }

    /** The run's limit is fixed when it starts: a later change of its script's policy leaves it alone. */
    private RunRecord started(RunRecord run, LifecycleEvent event) {
        // the policy is read only where it can matter
        Duration policy = event.maxRuntime() != null ? null : policyOf(run.scriptName());
        return withDeadline(run.toBuilder().startTime(event.time()).maxRuntime(MaxRuntime.recorded(event.maxRuntime(), policy)));
    }

    private Duration policyOf(String script) {
        return script == null ? null : scriptMaxRuntime.apply(script);
    }

    private RunRecord end(RunRecord run, LifecycleEvent event) {
        if (run.inProgress()) {
            return run.toBuilder().status(event.type().status()).endTime(event.time()).message(event.message())
                    .failureReason(event.type() == EventType.FAILED ? FailureReason.ERROR : null).build();
        }
        if (run.timedOut() && run.lateCompletion() == null) {
            return run.toBuilder().lateCompletion(new LateCompletion(event.type().status(), event.time(), event.message()))
                    .build();
        }
        RunStatus ended = run.lateCompletion() != null ? run.lateCompletion().status() : run.status();
        if (event.type().status() != ended) {
            throw new InvalidEventException("already-ended", "run " + Bounds.quote(run.runId()) + " already ended with status "
                    + ended.code() + ": a runId names one run, and its first end stands");
        }
        return run; // the same end again: a duplicate
    }

    /**
     * Deadline = the later of start and last heartbeat, plus the run's max runtime; past the last instant runwarden
     * writes (9999-12-31T23:59:59Z) it means "never", and is kept as that instant.
     */
    private RunRecord withDeadline(RunRecord.Builder changed) {
        RunRecord run = changed.build();
        Instant anchor = isLater(run.lastHeartbeat(), run.startTime()) ? run.lastHeartbeat() : run.startTime();
        if (anchor == null) {
            return run;
        }
        Instant deadline = anchor.plus(maxRuntime(run));
        return changed.deadline(deadline.isAfter(Bounds.MAX_INSTANT) ? Bounds.MAX_INSTANT : deadline).build();
    }

    private static boolean isLater(Instant candidate, Instant than) {
        return candidate != null && (than == null || candidate.isAfter(than));
    }
}
