package io.runwarden.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * One alertable fact, the value of {@code script-alerts} (keyed by scriptName). {@code alertId} is derived from the
 * fact, {@code {kind}:{runId}}, so a replay yields the same id; {@code sweepId} is set on the alerts a sweep raised,
 * {@code checkId} on those a missed-start check raised.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alert(String alertId, AlertKind kind, String scriptName, String runId, Instant time, String message,
                    String sweepId, String checkId) {

    public static Alert of(AlertKind kind, String scriptName, String runId, Instant time, String message,
                           String sweepId, String checkId) {
        return new Alert(kind.wireName() + ":" + runId, kind, scriptName, runId, time, message, sweepId, checkId);
    }

    /** The sweep or check that raised it, whose alerts a channel may get as one digest; null for a lone fact. */
    public String batchId() {
        return sweepId != null ? sweepId : checkId;
    }
}
