package io.runwarden.alerts;

import java.time.Instant;

/**
 * What a script's alerts have said so far: whether it is down (a failure was alerted and no later success has
 * been), when its last alerted failure ended, and its latest success, so that outcomes reaching the script's
 * partition out of order (its runs live on different partitions) still tell the story in the order it happened.
 */
public record ScriptHealth(boolean down, Instant lastFailure, Instant lastSuccess, String lastSuccessRunId) {
    public static final ScriptHealth UNKNOWN = new ScriptHealth(false, null, null, null);
}
