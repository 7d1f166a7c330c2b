package io.runwarden.alerts;

import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;

import java.time.Instant;
import java.util.List;

/** Which alerts an outcome raises for its script, and what the script's health becomes: pure functions. */
public final class AlertRules {
    private AlertRules() {
    }

    /** The alerts an outcome raises, in order, and the script's health after it. */
    public record Decision(List<Alert> alerts, ScriptHealth health) {
    }

    /**
     * A failure always raises its alert. It marks the script down, unless a success that ended no earlier has been
     * seen: then the failure is older news from a lagging partition, and that success's {@code recovered} follows it,
     * so the last word is still that the script works. A success raises {@code recovered} when the script is down and
     * it ended no earlier than the failure alerted last. So a failure and a success that ended at the same instant
     * tell one story in either order: failed, then recovered. A paused script raises nothing and its health stays as
     * it was, so the first success after it resumes still says it recovered.
     */
    public static Decision decide(ScriptHealth health, RunOutcome outcome, boolean paused) {
        ScriptHealth now = health == null ? ScriptHealth.UNKNOWN : health;
        if (paused) {
            return new Decision(List.of(), now);
        }
        if (!outcome.succeeded()) {
            Alert failed = Alert.of(AlertKind.of(outcome.reason()), outcome.scriptName(), outcome.runId(), outcome.time(),
                    outcome.message(), outcome.sweepId(), outcome.checkId());
            if (!now.down() && atOrBefore(outcome.at(), now.lastSuccess())) {
                return new Decision(List.of(failed, recovered(outcome.scriptName(), now.lastSuccessRunId(), now.lastSuccess())), now);
            }
            return new Decision(List.of(failed), new ScriptHealth(true, latest(now.lastFailure(), outcome.at()),
                    now.lastSuccess(), now.lastSuccessRunId()));
        }
        boolean newest = !isBefore(outcome.at(), now.lastSuccess());
        ScriptHealth succeeded = newest ? new ScriptHealth(false, null, outcome.at(), outcome.runId()) : now;
        if (!now.down()) {
            return new Decision(List.of(), succeeded);
        }
        if (isBefore(outcome.at(), now.lastFailure())) {
            return new Decision(List.of(), now); // older than the failure that took it down: no recovery
        }
        return new Decision(List.of(recovered(outcome.scriptName(), outcome.runId(), outcome.time())),
                newest ? succeeded : new ScriptHealth(false, null, now.lastSuccess(), now.lastSuccessRunId()));
    }

    private static Alert recovered(String script, String runId, Instant time) {
        return Alert.of(AlertKind.RECOVERED, script, runId, time, "Script recovered: run " + runId + " succeeded", null, null);
    }

    /** Strictly before; an unknown time is before nothing and nothing is before it. */
    private static boolean isBefore(Instant time, Instant than) {
        return time != null && than != null && time.isBefore(than);
    }

    /** At the same instant or before; an unknown time is neither, and nothing is at or before it. */
    private static boolean atOrBefore(Instant time, Instant than) {
        return time != null && than != null && !time.isAfter(than);
    }

    private static Instant latest(Instant last, Instant time) {
        return last == null || time != null && time.isAfter(last) ? time : last;
    }
}
