package io.runwarden.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.model.AlertKind;
import io.runwarden.model.Bounds;
import io.runwarden.model.InvalidFieldException;
import io.runwarden.model.Json;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A channel read from JSON (a PUT body, a record of {@code notification-channels}), strictly: unknown fields, a field
 * given twice and values of the wrong JSON type are refused naming the field, where the shared mapper would skip or
 * coerce them ({@code "enabled": "false"} must not read as true by accident of coercion). Write with {@link Json}.
 */
public final class ChannelJson {
    public static final List<String> FIELDS = List.of("name", "type", "url", "secret", "to", "routingKey", "scripts",
            "kinds", "enabled", "createdAt");

    private ChannelJson() {
    }

    /** @throws InvalidFieldException naming the field, or {@code body} when it is no JSON object */
    public static Channel read(byte[] json) {
        JsonNode body;
        try {
            body = Json.input(json);
        } catch (IOException e) {
            // the parser's message quotes the text around the error, which may be a secret
            throw new InvalidFieldException("body", "is not one JSON object with distinct field names");
        }
        if (body == null || !body.isObject()) {
            throw new InvalidFieldException("body", "must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw new InvalidFieldException(field, "is not a field of a channel (" + String.join(", ", FIELDS) + ")");
            }
        }
        return new Channel(text(body, "name"), value(body, "type", ChannelType::fromWireName, "webhook, slack, email or pagerduty"),
                text(body, "url"), text(body, "secret"), texts(body, "to"), text(body, "routingKey"),
                texts(body, "scripts"), kinds(body), flag(body, "enabled"), instant(body, "createdAt"));
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidFieldException(field, "must be a string");
        }
        return value.textValue();
    }

    private static <T> T value(JsonNode body, String field, Function<String, Optional<T>> parse, String choices) {
        String text = text(body, field);
        if (text == null) {
            return null;
        }
        return parse.apply(text).orElseThrow(() -> new InvalidFieldException(field, Bounds.quote(text) + " is not one of " + choices));
    }

    private static List<String> texts(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw new InvalidFieldException(field, "must be an array of strings");
        }
        List<String> texts = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new InvalidFieldException(field, "must be an array of strings");
            }
            texts.add(item.textValue());
        }
        return texts;
    }

    private static List<AlertKind> kinds(JsonNode body) {
        List<String> names = texts(body, "kinds");
        if (names == null) {
            return null;
        }
        List<AlertKind> kinds = new ArrayList<>(names.size());
        for (String name : names) {
            kinds.add(AlertKind.fromWireName(name).orElseThrow(() -> new InvalidFieldException("kinds",
                    Bounds.quote(name) + " is not one of failed, timeout, missed or recovered")));
        }
        return kinds;
    }

    private static Boolean flag(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new InvalidFieldException(field, "must be true or false");
        }
        return value.booleanValue();
    }

    private static Instant instant(JsonNode body, String field) {
        String text = text(body, field);
        try {
            return text == null ? null : Bounds.parseInstant(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(field, e.getMessage());
        }
    }
}
