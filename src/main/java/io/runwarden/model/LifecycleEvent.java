package io.runwarden.model;

import java.time.Duration;
import java.time.Instant;

/**
 * A validated lifecycle event. {@code scriptName}, {@code message} and {@code maxRuntime} may be null;
 * {@code time} is when it happened at the script.
 */
public record LifecycleEvent(String runId, String scriptName, EventType type, Instant time, String message,
                             Duration maxRuntime) {
}
