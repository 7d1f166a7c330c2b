package io.runwarden.model;

import java.time.Instant;

/**
 * A ping without a runId, on its way to the partition of its script, where pings are paired with their runs in the
 * order they arrived: a start names the run it opens ({@code runId}), an end or heartbeat goes to the script's most
 * recent run opened that way. The value of a {@link ControlRecord#PING} record, keyed by {@code scriptName}.
 */
public record Ping(String scriptName, EventType event, String runId, Instant time, String message) {
}
