package io.runwarden.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The one codec of {@code script-events}' lifecycle events, for the stream, the HTTP routes and {@code runwarden exec}
 * alike: reads a record in the {@code event} form or the original logs' {@code status} form, or says precisely why it
 * cannot; writes the {@code event} form.
 */
public final class EventCodec {
    /** The fields of the {@code event} form besides {@code event} itself. */
    public static final List<String> FIELDS = List.of("runId", "scriptName", "time", "message", "maxRuntime", "startTime");

    private EventCodec() {
    }

    public static LifecycleEvent parse(String key, byte[] value, long recordTimestamp) {
        requireRunId(key);
        if (value == null) {
            throw new InvalidEventException("null-value", "the record has no value");
        }
        JsonNode node;
        try {
            node = Json.input(value);
        } catch (IOException e) {
            throw new InvalidEventException("not-json", "the value is not JSON: " + firstLine(e.getMessage()));
        }
        return parse(key, node, recordTimestamp);
    }

    /** @param recordTimestamp the time of an event that names none: when it was written */
    public static LifecycleEvent parse(String key, JsonNode node, long recordTimestamp) {
        requireRunId(key);
        if (node == null || !node.isObject()) {
            throw new InvalidEventException("not-an-object", "the value must be a JSON object");
        }
        String runId = text(node, "runId");
        if (runId != null && !runId.equals(key)) {
            throw new InvalidEventException("key-mismatch",
                    "runId " + Bounds.quote(runId) + " differs from the record key " + Bounds.quote(key));
        }
        EventType type = type(node);
        String scriptName = text(node, "scriptName");
        if (scriptName != null && scriptName.isBlank()) {
            throw new InvalidEventException("missing-script-name", "scriptName is blank");
        }
        if (scriptName != null) {
            try {
                Bounds.id(scriptName);
            } catch (IllegalArgumentException e) {
                throw new InvalidEventException("bad-script-name", "scriptName " + e.getMessage());
            }
        }
        if (type == EventType.STARTED && scriptName == null) {
            throw new InvalidEventException("missing-script-name", "a started event needs a scriptName");
        }
        Instant time = time(node, type, recordTimestamp);
        Instant startTime = type.isEnd() ? runStart(node, time) : null;
        return new LifecycleEvent(key, scriptName, type, time, Bounds.message(text(node, "message")), maxRuntime(node),
                startTime);
    }

    /**
     * An end's {@code startTime}: the original logs hold a whole run in one record, with both its times. One after
     * the end (a clock that moved) is left out rather than the end refused: the end, a failure perhaps, must not be lost.
     */
    private static Instant runStart(JsonNode node, Instant end) {
        if (present(node, "startTime") == null) {
            return null;
        }
        Instant start = instant(node, "startTime");
        return start.isAfter(end) ? null : start;
    }

    /** The {@code event} form of an event, the one runwarden writes. */
    public static ObjectNode node(LifecycleEvent event) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("runId", event.runId());
        node.put("event", event.type().wireName());
        if (event.scriptName() != null) {
            node.put("scriptName", event.scriptName());
        }
        node.put("time", Times.format(event.time()));
        if (event.message() != null) {
            node.put("message", event.message());
        }
        if (event.maxRuntime() != null) {
            node.put("maxRuntime", Times.format(event.maxRuntime()));
        }
        if (event.startTime() != null) {
            node.put("startTime", Times.format(event.startTime()));
        }
        return node;
    }

    public static byte[] bytes(LifecycleEvent event) {
        return Json.bytes(node(event));
    }

    /** The record key of an event, which must be a valid runId. */
    private static void requireRunId(String key) {
        if (key == null || key.isBlank()) {
            throw new InvalidEventException("missing-key", "the record key must be the runId; it is missing or blank");
        }
        try {
            Bounds.id(key);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("bad-run-id", "the record key (runId) " + e.getMessage());
        }
    }

    private static EventType type(JsonNode node) {
        String event = text(node, "event");
        if (event != null) {
            return EventType.fromWireName(event).orElseThrow(() -> new InvalidEventException("unknown-event",
                    "event " + Bounds.quote(event) + " is none of started, heartbeat, succeeded, failed"));
        }
        JsonNode status = present(node, "status");
        if (status != null) {
            if (!status.isIntegralNumber() || !status.canConvertToInt()) {
                throw new InvalidEventException("wrong-type", "status must be 2, 0 or -1");
            }
            return EventType.fromStatus(status.intValue()).orElseThrow(() -> new InvalidEventException(
                    "unknown-status", "status " + status.intValue() + " is none of 2, 0, -1"));
        }
        throw new InvalidEventException("missing-event", "the event needs an 'event' (or an original 'status')");
    }

    /** The original form names the time by what it is: startTime for a start, endTime for an end. */
    private static Instant time(JsonNode node, EventType type, long recordTimestamp) {
        String formField = type == EventType.STARTED ? "startTime" : type.isEnd() ? "endTime" : null;
        String field = present(node, "time") != null ? "time"
                : formField != null && present(node, formField) != null ? formField : null;
        if (field != null) {
            return instant(node, field);
        }
        try {
            return Bounds.epochMillis(recordTimestamp);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("bad-time", "the record timestamp: " + e.getMessage());
        }
    }

    /** A present time field: an ISO-8601 instant or epoch milliseconds, within the bounds. */
    private static Instant instant(JsonNode node, String field) {
        JsonNode value = node.get(field);
        try {
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                return Bounds.epochMillis(value.longValue());
            }
            if (!value.isTextual()) {
                throw new InvalidEventException("bad-time", field + " must be an ISO-8601 instant or epoch milliseconds");
            }
            return Bounds.parseInstant(value.textValue());
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("bad-time", field + ": " + e.getMessage());
        }
    }

    private static Duration maxRuntime(JsonNode node) {
        String text = text(node, "maxRuntime");
        if (text == null) {
            return null;
        }
        try {
            return Bounds.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("bad-max-runtime", "maxRuntime: " + e.getMessage());
        }
    }

    /** A string field; absent and null are the same; any other type is an error naming the field. */
    private static String text(JsonNode node, String field) {
        JsonNode value = present(node, field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidEventException("wrong-type", field + " must be a string, not " + value.getNodeType().name().toLowerCase());
        }
        return value.textValue();
    }

    private static JsonNode present(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
