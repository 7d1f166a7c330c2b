package io.runwarden.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.runwarden.model.Bounds;
import io.runwarden.model.Json;
import io.runwarden.model.RunStatus;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads and validates request parameters and bodies; every failure is a 400 naming the field. Query parameters are
 * read through {@link QueryString}, never {@code ctx.queryParam}, which throws on an unknown body charset.
 */
final class Params {
    private Params() {
    }

    static String text(Context ctx, String name) {
        String value = QueryString.first(ctx, name);
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            throw ApiException.badRequest(name, "must not be blank");
        }
        return value;
    }

    /** A runId, scriptName or job name from the query, within {@link Bounds#id}; null when absent. */
    static String id(Context ctx, String name) {
        String value = QueryString.first(ctx, name);
        return value == null ? null : checkedId(name, value);
    }

    /** A runId from the path of a read: one runwarden generated (a missed slot's) may be longer ({@link Bounds#generatedId}). */
    static String pathRunId(Context ctx) {
        try {
            return Bounds.generatedId(ctx.pathParam("runId"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("runId", e.getMessage());
        }
    }

    /** A runId, scriptName or job name from the path, within {@link Bounds#id}. */
    static String pathId(Context ctx, String name) {
        return checkedId(name, ctx.pathParam(name));
    }

    /** A runId or scriptName field of a body, within {@link Bounds#id}; absent or null give null. */
    static String bodyId(JsonNode body, String field) {
        String value = bodyText(body, field);
        return value == null ? null : checkedId(field, value);
    }

    private static String checkedId(String name, String value) {
        try {
            return Bounds.id(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(name, e.getMessage());
        }
    }

    static int integer(Context ctx, String name, int fallback, int min, int max) {
        String value = QueryString.first(ctx, name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest(name, "must be a whole number from " + min + " to " + max);
    }

    static RunStatus status(Context ctx) {
        String value = QueryString.first(ctx, "status");
        if (value == null) {
            return null;
        }
        return switch (value.trim()) {
            case "2" -> RunStatus.IN_PROGRESS;
            case "0" -> RunStatus.SUCCESS;
            case "-1" -> RunStatus.FAILED;
            default -> throw ApiException.badRequest("status", "must be 2 (in progress), 0 (success) or -1 (failed)");
        };
    }

    static Instant instant(Context ctx, String name) {
        String value = QueryString.first(ctx, name);
        try {
            return value == null ? null : Bounds.parseInstant(value.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(name, e.getMessage());
        }
    }

    /**
     * How long a request may wait, up to {@code max}. Not one of the durations the bounds govern (those are settings
     * and policies, PT1S and up): a wait shorter than a second is a fair request, a zero or negative one is not.
     */
    static Duration wait(Context ctx, String name, Duration fallback, Duration max) {
        String value = QueryString.first(ctx, name);
        if (value == null) {
            return fallback;
        }
        Duration wait;
        try {
            wait = Duration.parse(value.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest(name, Bounds.quote(value) + " is not an ISO-8601 duration such as PT30S");
        }
        if (wait.isNegative() || wait.isZero() || wait.compareTo(max) > 0) {
            throw ApiException.badRequest(name, "must be more than zero and at most " + max);
        }
        return wait;
    }

    static boolean flag(Context ctx, String name) {
        String value = QueryString.first(ctx, name);
        if (value == null) {
            return false;
        }
        return switch (value.trim()) {
            case "true", "1", "" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.badRequest(name, "must be true or false");
        };
    }

    /** The JSON object body; an empty body is an empty object. */
    static JsonNode body(Context ctx) {
        byte[] bytes = jsonBytes(ctx);
        if (bytes.length == 0) {
            return Json.MAPPER.createObjectNode();
        }
        JsonNode node;
        try {
            node = Json.input(bytes);
        } catch (IOException e) {
            throw ApiException.badRequest("body", "is not valid JSON with distinct field names");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("body", "must be a JSON object");
        }
        return node;
    }

    /**
     * The body as sent. One that breaks off (a chunk that is not hex, fewer bytes than its Content-Length, a
     * connection closed mid-body) is the client's fault: 400, not a 500 with a stack trace in the log.
     */
    static byte[] bodyBytes(Context ctx) {
        try {
            return ctx.bodyAsBytes();
        } catch (HttpResponseException e) {
            throw e; // a body over the limit: 413
        } catch (Exception e) { // Jetty's IOException comes through Kotlin undeclared
            if (cutShort(e)) {
                throw ApiException.badRequest("body", "could not be read whole: " + Bounds.quote(String.valueOf(e.getMessage())));
            }
            throw e;
        }
    }

    /** Whether reading failed on the wire (Jetty's early EOF, a bad chunk), not in runwarden. */
    private static boolean cutShort(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException || cause instanceof org.eclipse.jetty.http.HttpException) {
                return true;
            }
        }
        return false;
    }

    /** The body, unparsed, once its Content-Type says JSON in UTF-8 (415 otherwise); empty when there is none. */
    static byte[] jsonBytes(Context ctx) {
        byte[] bytes = bodyBytes(ctx);
        if (bytes.length == 0) {
            return bytes;
        }
        MediaType type = MediaType.parse(ctx.header("Content-Type"));
        if (!type.isJson()) {
            throw new ApiException(415, "unsupported_media_type", "send the body as application/json");
        }
        if (!type.isUtf8()) {
            throw new ApiException(415, "unsupported_media_type", "the body's charset " + Bounds.quote(type.charset())
                    + " is not UTF-8; JSON is UTF-8 (RFC 8259): send application/json or application/json; charset=utf-8");
        }
        return bytes;
    }

    /** A string field of a body; absent or null give null. */
    static String bodyText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest(field, "must be a string");
        }
        return value.textValue();
    }
}
