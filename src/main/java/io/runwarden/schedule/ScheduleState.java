package io.runwarden.schedule;

import com.fasterxml.jackson.annotation.JsonValue;
import io.runwarden.model.FailureReason;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.model.ScriptStats;

import java.time.Instant;
import java.util.Optional;

/** Where a script with a schedule stands, as the dashboard shows it. */
public enum ScheduleState {
    OK("ok"),
    /** A run is in progress. */
    RUNNING("running"),
    /** The current slot's grace runs, or has run out and is not decided yet, with no start. */
    LATE("late"),
    /** The latest decided slot was missed, and nothing started since. */
    MISSED("missed"),
    /** The latest run failed. */
    FAILED("failed"),
    /** Nothing is expected until the script is resumed. */
    PAUSED("paused");

    private final String wireName;

    ScheduleState(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** @param stats the script's runs, null when it has none */
    public static ScheduleState of(ScriptPolicy policy, CronSchedule schedule, ScriptStats stats, Instant now) {
        if (policy.paused()) {
            return PAUSED;
        }
        RunRecord latest = stats == null ? null : stats.latestRun();
        if (stats != null && stats.inProgress() > 0) {
            return RUNNING;
        }
        if (latest != null && latest.failureReason() == FailureReason.MISSED) {
            return MISSED;
        }
        if (latest != null && latest.status() == RunStatus.FAILED) {
            return FAILED;
        }
        Optional<Instant> slot = schedule.latestSlot(now);
        Instant lastStart = stats == null ? null : stats.lastStart();
        boolean expected = slot.isPresent() && (policy.scheduleSince() == null || slot.get().isAfter(policy.scheduleSince()));
        if (expected && (lastStart == null || lastStart.isBefore(slot.get().minus(policy.effectiveStartGrace())))) {
            return LATE;
        }
        return OK;
    }
}
