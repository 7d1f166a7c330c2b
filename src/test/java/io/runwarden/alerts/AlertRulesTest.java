package io.runwarden.alerts;

import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.Bounds;
import io.runwarden.model.FailureReason;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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

    private static List<String> ids(AlertRules.Decision decision) {
        return decision.alerts().stream().map(Alert::alertId).toList();
    }

    @Test
    void everyFailureAlertsWithItsKindAndBatch() {
        for (FailureReason reason : FailureReason.values()) {
            AlertRules.Decision decision = AlertRules.decide(null, failure("r", reason, T), false);
            assertThat(decision.alerts()).singleElement().satisfies(alert -> {
                assertThat(alert.kind()).isEqualTo(AlertKind.of(reason));
                assertThat(alert.alertId()).isEqualTo(AlertKind.of(reason).wireName() + ":r");
                assertThat(alert.batchId()).isEqualTo(reason == FailureReason.ERROR ? null
                        : reason == FailureReason.TIMEOUT ? "sweep-1" : "check-1");
            });
            assertThat(decision.health().down()).isTrue();
        }
    }

    @Test
    void aSuccessThatEndedBeforeTheLastAlertedFailureIsNoRecovery() {
        ScriptHealth down = AlertRules.decide(null, failure("late-news", FailureReason.ERROR, T.plusSeconds(60)), false).health();

        AlertRules.Decision older = AlertRules.decide(down, success("older", T), false);
        assertThat(older.alerts()).isEmpty();
        assertThat(older.health().down()).isTrue();

        AlertRules.Decision newer = AlertRules.decide(older.health(), success("newer", T.plusSeconds(60)), false);
        assertThat(ids(newer)).containsExactly("recovered:newer");
        assertThat(newer.health().down()).isFalse();
    }

    @Test
    void aFailureOlderThanASuccessAlreadySeenIsAlertedThenThatSuccessRecoversItAgain() {
        ScriptHealth up = AlertRules.decide(null, success("s", T.plusSeconds(60)), false).health();

        AlertRules.Decision late = AlertRules.decide(up, failure("f", FailureReason.ERROR, T), false);

        assertThat(ids(late)).containsExactly("failed:f", "recovered:s");
        assertThat(late.health().down()).isFalse();
    }

    /** Two runs of a script that ended in the same millisecond, on two partitions: whichever arrives first. */
    @Test
    void aFailureAndASuccessThatEndedTogetherAreFailedThenRecoveredInEitherOrder() {
        AlertRules.Decision failureFirst = AlertRules.decide(AlertRules.decide(null, failure("f", FailureReason.ERROR, T), false).health(),
                success("s", T), false);
        assertThat(ids(failureFirst)).containsExactly("recovered:s");
        assertThat(failureFirst.health().down()).isFalse();

        AlertRules.Decision successFirst = AlertRules.decide(AlertRules.decide(null, success("s", T), false).health(),
                failure("f", FailureReason.ERROR, T), false);
        assertThat(ids(successFirst)).containsExactly("failed:f", "recovered:s");
        assertThat(successFirst.health().down()).isFalse();
    }

    /** A missed slot holds from the end of its grace: a success after that and before the check found it is newer. */
    @Test
    void aMissedSlotIsOrderedByTheEndOfItsGraceNotByWhenItWasFound() {
        RunOutcome missed = new RunOutcome("etl@slot", "etl", FailureReason.MISSED, T.plusSeconds(30), "did not start", null,
                "check-1", T);
        ScriptHealth up = AlertRules.decide(null, success("s", T.plusSeconds(4)), false).health();

        AlertRules.Decision found = AlertRules.decide(up, missed, false);

        assertThat(ids(found)).containsExactly("missed:etl@slot", "recovered:s");
        assertThat(found.alerts().get(0).time()).as("the alert keeps the missed run's end").isEqualTo(T.plusSeconds(30));
        assertThat(found.health().down()).isFalse();

        AlertRules.Decision successAfter = AlertRules.decide(AlertRules.decide(null, missed, false).health(), success("s", T.plusSeconds(4)), false);
        assertThat(ids(successAfter)).containsExactly("recovered:s");
    }

    /** A slot at the last instant runwarden writes, its grace past it: ordered by its end, never by an instant beyond. */
    @Test
    void aMissedSlotWhoseGraceRunsPastTheLastInstantIsOrderedByItsEnd() {
        RunRecord run = RunRecord.builder("etl@end").scriptName("etl").status(RunStatus.FAILED).failureReason(FailureReason.MISSED)
                .startTime(Bounds.MAX_INSTANT).endTime(Bounds.MAX_INSTANT).build();

        RunOutcome outcome = RunOutcome.missed(run, "check-1", Bounds.MAX_INSTANT.plusSeconds(1));

        assertThat(outcome.since()).isNull();
        assertThat(outcome.at()).isEqualTo(Bounds.MAX_INSTANT);
    }

    @Test
    void whilePausedNothingIsRaisedAndHealthStaysAsItWas() {
        ScriptHealth down = new ScriptHealth(true, T, null, null);
        assertThat(AlertRules.decide(down, success("s", T.plusSeconds(1)), true)).isEqualTo(new AlertRules.Decision(List.of(), down));
        assertThat(AlertRules.decide(null, failure("f", FailureReason.MISSED, T), true).alerts()).isEmpty();
    }

    /**
     * Whatever order a script's outcomes arrive in, every failure is alerted once, and the last alert says what the
     * newest outcome says: recovered after a newest success that follows a failure, a failure's kind after a newest
     * failure. Outcomes may end at the same instant (two a second here); a success wins a tie at the newest instant.
     */
    @Property(tries = 500)
    void theLastAlertAgreesWithTheNewestOutcomeWhateverTheOrder(@ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 3) Integer> kinds,
                                                                 @ForAll long seed) {
        List<RunOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            Instant at = T.plusSeconds(i / 2);
            outcomes.add(kinds.get(i) == 3 ? success("s" + i, at) : failure("f" + i, FailureReason.values()[kinds.get(i)], at));
        }
        List<RunOutcome> arrival = new ArrayList<>(outcomes);
        java.util.Collections.shuffle(arrival, new java.util.Random(seed));
        ScriptHealth health = null;
        List<Alert> alerts = new ArrayList<>();
        for (RunOutcome outcome : arrival) {
            AlertRules.Decision decision = AlertRules.decide(health, outcome, false);
            alerts.addAll(decision.alerts());
            health = decision.health();
        }
        assertThat(alerts.stream().filter(a -> a.kind() != AlertKind.RECOVERED).map(Alert::runId).sorted().toList())
                .as("every failure alerted once").isEqualTo(outcomes.stream().filter(o -> !o.succeeded()).map(RunOutcome::runId).sorted().toList());
        Instant newest = outcomes.stream().map(RunOutcome::time).max(Comparator.naturalOrder()).orElseThrow();
        boolean newestSucceeded = outcomes.stream().anyMatch(o -> o.time().equals(newest) && o.succeeded());
        boolean anyFailure = outcomes.stream().anyMatch(o -> !o.succeeded());
        if (!newestSucceeded) {
            assertThat(alerts.get(alerts.size() - 1).kind()).as("after %s", arrival).isNotEqualTo(AlertKind.RECOVERED);
            assertThat(health.down()).isTrue();
        } else if (anyFailure) {
            assertThat(alerts.get(alerts.size() - 1).kind()).as("after %s", arrival).isEqualTo(AlertKind.RECOVERED);
            assertThat(health.down()).isFalse();
        } else {
            assertThat(alerts).isEmpty();
        }
    }
}
