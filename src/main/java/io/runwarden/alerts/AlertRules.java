package io.runwarden.alerts;

import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;

import java.time.Instant;
import java.util.Optional;

/** Which alert, if any, an outcome raises for its script, and what the script's health becomes: pure functions. */
public final class AlertRules {
    private AlertRules() {
    }

    /** The alert an outcome raises, and the script's health after it. */
    public record Decision(Optional<Alert> alert, ScriptHealth health) {
    }

    /**
     * A failure always raises its alert and marks the script down. A success raises {@code recovered} when the
     * script is down and the success ended no earlier than the failure alerted last: an older success reaching this
     * partition late is no recovery. A paused script raises nothing and its health stays as it was, so the first
     * success after it resumes still says it recovered.
     */
    public static Decision decide(ScriptHealth health, RunOutcome outcome, boolean paused) {
        ScriptHealth now = health == null ? ScriptHealth.UP : health;
        if (paused) {
            return new Decision(Optional.empty(), now);
        }
        if (!outcome.succeeded()) {
            Alert alert = Alert.of(AlertKind.of(outcome.reason()), outcome.scriptName(), outcome.runId(), outcome.time(),
                    outcome.message(), outcome.sweepId(), outcome.checkId());
            return new Decision(Optional.of(alert), new ScriptHealth(true, latest(now.lastFailure(), outcome)));
        }
        boolean recovers = now.down() && (now.lastFailure() == null || outcome.time() == null
                || !outcome.time().isBefore(now.lastFailure()));
        if (!recovers) {
            return new Decision(Optional.empty(), now);
        }
        Alert recovered = Alert.of(AlertKind.RECOVERED, outcome.scriptName(), outcome.runId(), outcome.time(),
                "Script recovered: run " + outcome.runId() + " succeeded", null, null);
        return new Decision(Optional.of(recovered), ScriptHealth.UP);
    }

    private static Instant latest(Instant last, RunOutcome outcome) {
        return last == null || outcome.time() != null && outcome.time().isAfter(last) ? outcome.time() : last;
    }
}
