package io.runwarden.model;

import java.time.Duration;
import java.time.Instant;

/**
 * A validated lifecycle event. {@code scriptName}, {@code message}, {@code maxRuntime} and {@code startTime} may be
 * null; {@code time} is when it happened at the script.
 * @param startTime an end's run start, as a whole run in one record gives it (the original logs' {@code startTime}
 *                  beside {@code endTime}): the run's start when it has none yet
 */
public record LifecycleEvent(String runId, String scriptName, EventType type, Instant time, String message,
                             Duration maxRuntime, Instant startTime) {

    /** An event that names no start of its run but its own time, if it is a start. */
    public LifecycleEvent(String runId, String scriptName, EventType type, Instant time, String message,
                          Duration maxRuntime) {
        this(runId, scriptName, type, time, message, maxRuntime, null);
    }
}
