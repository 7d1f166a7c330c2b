package io.runwarden.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.runwarden.model.Bounds;
import io.runwarden.model.Json;
import io.runwarden.model.RunStatus;
import io.runwarden.model.Times;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/** Reads and validates request parameters and bodies; every failure is a 400 naming the field. */
final class Params {
    private Params() {
    }

    static String text(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            throw ApiException.badRequest(name, "must not be blank");
        }
        return value;
    }

    static int integer(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
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

    static Integer status(Context ctx) {
        String value = ctx.queryParam("status");
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
        String value = ctx.queryParam(name);
        try {
            return value == null ? null : Bounds.parseInstant(value.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(name, e.getMessage());
        }
    }

    static Duration duration(Context ctx, String name, Duration fallback, Duration max) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return fallback;
        }
        try {
            Duration duration = Bounds.parseDuration(value.trim());
            if (duration.compareTo(max) > 0) {
                throw ApiException.badRequest(name, "must be at most " + max);
            }
            return duration;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(name, e.getMessage());
        }
    }

    static boolean flag(Context ctx, String name) {
        String value = ctx.queryParam(name);
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
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            return Json.MAPPER.createObjectNode();
        }
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "send the body as application/json");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw ApiException.badRequest("body", "is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("body", "must be a JSON object");
        }
        return node;
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
