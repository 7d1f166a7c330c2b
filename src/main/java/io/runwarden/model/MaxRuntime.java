package io.runwarden.model;

import java.time.Duration;

/**
 * How long a run may go without news before a sweep fails it: its own limit, else its script's policy when the run
 * started (a later change of the policy leaves running runs alone), else the service's default.
 */
public final class MaxRuntime {
    private MaxRuntime() {
    }

    /** What a starting run records as its limit: its own, else its script's policy; null when neither sets one. */
    public static Duration recorded(Duration own, Duration scriptPolicy) {
        return own != null ? own : scriptPolicy;
    }

    /** The limit that applies to a run that recorded {@code recorded}. */
    public static Duration effective(Duration recorded, Duration defaultMaxRuntime) {
        return recorded != null ? recorded : defaultMaxRuntime;
    }
}
