package io.runwarden.notify;

import io.runwarden.alerts.BatchDone;
import io.runwarden.model.Alert;
import io.runwarden.model.Bounds;
import io.runwarden.model.Json;

import java.util.function.Function;

/**
 * The records of the alert feed as the alert processor writes them, and nothing else. Only runwarden writes the feed,
 * but anyone who can write to the broker may: an alert without its id, kind, script, run or time, or beyond the bounds
 * of a run, cannot be told to a receiver (a sender that fails on it retries it for a day, holding its channel's place
 * in the feed), so a worker skips it as it skips a record it cannot read.
 */
final class FeedRecords {
    private FeedRecords() {
    }

    /** @throws RuntimeException saying why the value is no alert runwarden raised */
    static Alert alert(byte[] value) {
        Alert alert = read(value, Alert.class);
        if (alert.kind() == null || alert.scriptName() == null || alert.runId() == null || alert.time() == null) {
            throw new IllegalArgumentException("an alert needs its kind, scriptName, runId and time");
        }
        within("scriptName", alert.scriptName(), Bounds::id);
        within("runId", alert.runId(), Bounds::generatedId);
        within("time", alert.time(), Bounds::instant);
        if (!(alert.kind().wireName() + ":" + alert.runId()).equals(alert.alertId())) {
            throw new IllegalArgumentException("alertId is not {kind}:{runId}");
        }
        if (alert.message() != null && alert.message().length() > Bounds.MAX_MESSAGE_CHARS) {
            throw new IllegalArgumentException("message is longer than a run's " + Bounds.MAX_MESSAGE_CHARS + " characters");
        }
        if (alert.sweepId() != null) {
            within("sweepId", alert.sweepId(), Bounds::batchId);
        }
        if (alert.checkId() != null) {
            within("checkId", alert.checkId(), Bounds::batchId);
        }
        return alert;
    }

    /** @throws RuntimeException saying why the value is no end of a batch runwarden wrote */
    static BatchDone batchEnd(byte[] value) {
        BatchDone end = read(value, BatchDone.class);
        if (end.batchId() == null) {
            throw new IllegalArgumentException("a batch's end needs its batchId");
        }
        within("batchId", end.batchId(), Bounds::batchId);
        return end;
    }

    private static <T> T read(byte[] value, Class<T> type) {
        T read = value == null ? null : Json.read(value, type);
        if (read == null) {
            throw new IllegalArgumentException("a record of the feed without a value");
        }
        return read;
    }

    private static <T> void within(String field, T value, Function<T, T> bound) {
        try {
            bound.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " " + e.getMessage());
        }
    }
}
