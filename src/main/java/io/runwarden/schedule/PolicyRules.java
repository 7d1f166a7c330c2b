package io.runwarden.schedule;

import io.runwarden.model.Bounds;
import io.runwarden.model.InvalidFieldException;
import io.runwarden.model.ScriptPolicy;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** What a script policy may hold, wherever it comes from: the API or a record on {@code script-policies}. */
public final class PolicyRules {
    private PolicyRules() {
    }

    /**
     * The policy of {@code scriptName} as runwarden keeps it, or why not: durations within the bounds, an IANA
     * timezone, a schedule that fires within 366 days of when it was set ({@code scheduleSince}, else {@code now}).
     * Not of {@code now} alone: a policy is checked again whenever an instance reads it back, and one accepted once
     * (29 February, set in March before a leap year) must not turn invalid, and vanish there, as the years go by.
     * @throws InvalidFieldException naming the field
     */
    public static ScriptPolicy checked(String scriptName, ScriptPolicy policy, Instant now) {
        Bounds.id(scriptName);
        duration("maxRuntime", policy.maxRuntime());
        duration("startGrace", policy.startGrace());
        if (policy.timezone() != null) {
            try {
                Bounds.id(policy.timezone());
                ZoneId.of(policy.timezone());
            } catch (DateTimeException | IllegalArgumentException e) {
                throw new InvalidFieldException("timezone", "unknown timezone " + Bounds.quote(policy.timezone()));
            }
        }
        if (policy.schedule() != null) {
            CronSchedule.accepted(policy.schedule(), policy.zone(), policy.scheduleSince() != null ? policy.scheduleSince() : now);
        }
        if (policy.scheduleSince() != null) {
            Bounds.instant(policy.scheduleSince());
        }
        return new ScriptPolicy(scriptName, policy.maxRuntime(), policy.schedule(), policy.timezone(),
                policy.startGrace(), policy.paused(), policy.scheduleSince());
    }

    private static void duration(String field, Duration value) {
        if (value != null) {
            try {
                Bounds.duration(value);
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException(field, e.getMessage());
            }
        }
    }
}
