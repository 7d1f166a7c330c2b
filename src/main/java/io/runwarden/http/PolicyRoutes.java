package io.runwarden.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.runwarden.model.Bounds;
import io.runwarden.service.Policies;
import io.runwarden.service.Policies.Given;
import io.runwarden.service.Services;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Per-script policies: the max runtime of a script's new runs (a run's own maxRuntime still wins), and its expected
 * schedule. A PUT sets the fields it gives ({@code null} removes one) and keeps those it leaves out.
 */
final class PolicyRoutes implements Routes {
    static final List<String> FIELDS = List.of("maxRuntime", "schedule", "timezone", "startGrace", "paused");

    private final Supplier<Services> services;

    PolicyRoutes(Supplier<Services> services) {
        this.services = services;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/script/policies/{scriptName}", ctx -> Envelope.ok(ctx, policies().get(Params.pathId(ctx, "scriptName"))), Need.READ);
        routes.put("/script/policies/{scriptName}", this::put, Need.WRITE);
    }

    private void put(Context ctx) {
        String script = Params.pathId(ctx, "scriptName");
        JsonNode body = Params.body(ctx);
        body.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                throw ApiException.badRequest(field, "is not a field of a policy (" + String.join(", ", FIELDS) + ")");
            }
        });
        Policies.Change change = new Policies.Change(duration(body, "maxRuntime"), text(body, "schedule"),
                text(body, "timezone"), duration(body, "startGrace"), flag(body, "paused"));
        if (change.empty()) {
            throw ApiException.badRequest("maxRuntime", "a policy change needs at least one of " + String.join(", ", FIELDS)
                    + " (an ISO-8601 duration such as PT6H for maxRuntime; null removes a field)");
        }
        Envelope.ok(ctx, policies().change(script, change));
    }

    private static Given<String> text(JsonNode body, String field) {
        return body.has(field) ? new Given<>(Params.bodyText(body, field)) : null;
    }

    private static Given<Duration> duration(JsonNode body, String field) {
        if (!body.has(field)) {
            return null;
        }
        String text = Params.bodyText(body, field);
        try {
            return new Given<>(text == null ? null : Bounds.parseDuration(text));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field, e.getMessage());
        }
    }

    private static Given<Boolean> flag(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isNull() && !value.isBoolean()) {
            throw ApiException.badRequest(field, "must be true or false");
        }
        return new Given<>(value.isNull() ? null : value.booleanValue());
    }

    private Policies policies() {
        return services.get().policies();
    }
}
