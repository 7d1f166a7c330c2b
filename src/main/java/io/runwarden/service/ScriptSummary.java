package io.runwarden.service;

import io.runwarden.model.ScriptPolicy;
import io.runwarden.model.ScriptStats;
import io.runwarden.schedule.CronSchedule;
import io.runwarden.schedule.ScheduleState;

import java.time.Instant;

/**
 * One script as the dashboard shows it: its runs' stats (empty for a script that never reported) and, when it has a
 * schedule, where it stands against it.
 */
public record ScriptSummary(ScriptStats stats, Expectation expectation) {

    /** A scheduled script's schedule, its next expected start, and its state ({@link ScheduleState}). */
    public record Expectation(String schedule, String timezone, Instant nextExpectedStart, ScheduleState state) {
    }

    /** @param policy the script's policy, null when it has none */
    public static ScriptSummary of(String scriptName, ScriptStats stats, ScriptPolicy policy, Instant now) {
        ScriptStats known = stats == null ? ScriptStats.empty(scriptName) : stats;
        if (policy == null || policy.schedule() == null) {
            return new ScriptSummary(known, null);
        }
        CronSchedule schedule = CronSchedule.of(policy.schedule(), policy.zone());
        return new ScriptSummary(known, new Expectation(policy.schedule(), policy.zone(),
                policy.paused() ? null : schedule.nextSlot(now).orElse(null),
                ScheduleState.of(policy, schedule, stats, now)));
    }
}
