package io.runwarden.alerts;

import java.time.Instant;

/**
 * What a script's alerts have said so far: whether it is down (a failure was alerted and no later success has
 * been), and when its last alerted failure ended, which a success must not precede to count as a recovery.
 */
public record ScriptHealth(boolean down, Instant lastFailure) {
    public static final ScriptHealth UP = new ScriptHealth(false, null);
}
