package io.runwarden.alerts;

import io.runwarden.model.AlertKind;
import io.runwarden.model.FailureReason;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** What each outcome means for its script's alerts, whatever order the runs' partitions delivered them in. */
class AlertRulesTest {
    private static final Instant T = Instant.parse("2026-11-28T02:00:00Z");

    private static RunOutcome failure(String runId, FailureReason reason, Instant at) {
        return new RunOutcome(runId, "etl", reason, at, "boom", reason == FailureReason.TIMEOUT ? "sweep-1" : null,
                reason == FailureReason.MISSED ? "check-1" : null);
    }

    private static RunOutcome success(String runId, Instant at) {
        return new RunOutcome(runId, "etl", null, at, "ok", null, null);
    }

    @Test
    void everyFailureAlertsWithItsKindAndBatch() {
        for (FailureReason reason : FailureReason.values()) {
            AlertRules.Decision decision = AlertRules.decide(null, failure("r", reason, T), false);
            assertThat(decision.alert()).get().satisfies(alert -> {
                assertThat(alert.kind()).isEqualTo(AlertKind.of(reason));
                assertThat(alert.alertId()).isEqualTo(AlertKind.of(reason).wireName() + ":r");
                assertThat(alert.batchId()).isEqualTo(reason == FailureReason.ERROR ? null
                        : reason == FailureReason.TIMEOUT ? "sweep-1" : "check-1");
            });
            assertThat(decision.health()).isEqualTo(new ScriptHealth(true, T));
        }
    }

    @Test
    void aSuccessThatEndedBeforeTheLastAlertedFailureIsNoRecovery() {
        ScriptHealth down = AlertRules.decide(null, failure("late-news", FailureReason.ERROR, T.plusSeconds(60)), false).health();

        AlertRules.Decision older = AlertRules.decide(down, success("older", T), false);
        assertThat(older.alert()).isEmpty();
        assertThat(older.health()).isEqualTo(down);

        AlertRules.Decision newer = AlertRules.decide(down, success("newer", T.plusSeconds(60)), false);
        assertThat(newer.alert()).get().extracting(a -> a.alertId()).isEqualTo("recovered:newer");
        assertThat(newer.health()).isEqualTo(ScriptHealth.UP);
    }

    @Test
    void anOlderFailureArrivingLateStillAlertsButKeepsTheLatestFailureTime() {
        ScriptHealth down = AlertRules.decide(null, failure("b", FailureReason.ERROR, T.plusSeconds(60)), false).health();
        AlertRules.Decision older = AlertRules.decide(down, failure("a", FailureReason.TIMEOUT, T), false);
        assertThat(older.alert()).isPresent();
        assertThat(older.health().lastFailure()).isEqualTo(T.plusSeconds(60));
    }

    @Test
    void whilePausedNothingIsRaisedAndHealthStaysAsItWas() {
        ScriptHealth down = new ScriptHealth(true, T);
        assertThat(AlertRules.decide(down, success("s", T.plusSeconds(1)), true)).isEqualTo(new AlertRules.Decision(java.util.Optional.empty(), down));
        assertThat(AlertRules.decide(null, failure("f", FailureReason.MISSED, T), true).health()).isEqualTo(ScriptHealth.UP);
    }
}
