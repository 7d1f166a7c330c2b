package io.runwarden.model;

import java.time.Duration;
import java.time.Instant;

/**
 * A script's own settings, the value of the compacted {@code script-policies} topic: the max runtime of its new runs,
 * and when it is expected to start. {@code scheduleSince} is set by runwarden: the time of the change that last
 * changed {@code schedule}, {@code timezone} or {@code paused}; only slots after it are expected.
 */
public record ScriptPolicy(String scriptName, Duration maxRuntime, String schedule, String timezone,
                           Duration startGrace, boolean paused, Instant scheduleSince) {
    public static final Duration DEFAULT_START_GRACE = Duration.ofMinutes(10);
    public static final String DEFAULT_TIMEZONE = "UTC";

    public static ScriptPolicy none(String scriptName) {
        return new ScriptPolicy(scriptName, null, null, null, null, false, null);
    }

    /** A policy that sets nothing: the same as none, so it is removed. */
    public boolean empty() {
        return maxRuntime == null && schedule == null && timezone == null && startGrace == null && !paused;
    }

    /** Whether runs are expected: a schedule, and not paused. */
    public boolean expectsRuns() {
        return schedule != null && !paused;
    }

    public Duration effectiveStartGrace() {
        return startGrace != null ? startGrace : DEFAULT_START_GRACE;
    }

    public String zone() {
        return timezone == null || timezone.isBlank() ? DEFAULT_TIMEZONE : timezone;
    }
}
