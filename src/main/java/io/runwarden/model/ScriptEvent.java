package io.runwarden.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Duration;
import java.time.Instant;

/** A lifecycle event in its wire form on {@code script-events}, as runwarden itself writes one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScriptEvent(String runId, String scriptName, String event, Instant time, String message,
                          Duration maxRuntime) {

    public static ScriptEvent of(String runId, String scriptName, EventType type, Instant time, String message) {
        return new ScriptEvent(runId, scriptName, type.wireName(), time, message, null);
    }
}
