package io.runwarden.service;

import io.runwarden.model.MaxRuntime;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.schedule.CronSchedule;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/** Per-script policies, kept on the compacted {@code script-policies} topic. */
public interface Policies {
    /**
     * A script's policy as the API shows it: its own max runtime (null: none) and the one its new runs get; its
     * schedule with the timezone and start grace that apply, and the next start it expects (null while paused or
     * without a schedule).
     */
    record View(String scriptName, Duration maxRuntime, Duration effectiveMaxRuntime, String schedule, String timezone,
                Duration startGrace, boolean paused, Instant scheduleSince, Instant nextExpectedStart) {
        public static View of(ScriptPolicy policy, Duration defaultMaxRuntime, Instant now) {
            Instant next = policy.expectsRuns()
                    ? CronSchedule.of(policy.schedule(), policy.zone()).nextSlot(now).orElse(null) : null;
            return new View(policy.scriptName(), policy.maxRuntime(),
                    MaxRuntime.effective(MaxRuntime.recorded(null, policy.maxRuntime()), defaultMaxRuntime),
                    policy.schedule(), policy.zone(), policy.effectiveStartGrace(), policy.paused(),
                    policy.scheduleSince(), next);
        }
    }

    /** One field of a change as given: its value, or null to remove it. A field left out is no {@code Given} at all. */
    record Given<T>(T value) {
    }

    /** The fields a change sets; those left out (null) keep their value. */
    record Change(Given<Duration> maxRuntime, Given<String> schedule, Given<String> timezone, Given<Duration> startGrace,
                  Given<Boolean> paused) {

        /** The policy this change makes of {@code current}; changing when runs are expected restarts the expectation. */
        public ScriptPolicy applyTo(String scriptName, ScriptPolicy current, Instant now) {
            ScriptPolicy base = current == null ? ScriptPolicy.none(scriptName) : current;
            ScriptPolicy next = new ScriptPolicy(scriptName, or(maxRuntime, base.maxRuntime()), or(schedule, base.schedule()),
                    or(timezone, base.timezone()), or(startGrace, base.startGrace()),
                    Boolean.TRUE.equals(or(paused, base.paused())), base.scheduleSince());
            boolean expectationChanged = !Objects.equals(next.schedule(), base.schedule())
                    || !next.zone().equals(base.zone()) || next.paused() != base.paused();
            return !expectationChanged ? next : new ScriptPolicy(scriptName, next.maxRuntime(), next.schedule(),
                    next.timezone(), next.startGrace(), next.paused(), now.truncatedTo(ChronoUnit.MILLIS));
        }

        public boolean empty() {
            return maxRuntime == null && schedule == null && timezone == null && startGrace == null && paused == null;
        }

        private static <T> T or(Given<T> given, T current) {
            return given == null ? current : given.value();
        }
    }

    View get(String scriptName);

    /**
     * Applies a change, once the policy it makes is valid; returns once it is visible here.
     * @throws io.runwarden.model.InvalidFieldException naming the field that is wrong
     */
    View change(String scriptName, Change change);
}
