package io.runwarden.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.runwarden.model.Bounds;
import io.runwarden.service.Policies;
import io.runwarden.service.Services;

import java.time.Duration;
import java.util.function.Supplier;

/** Per-script policies: the max runtime of a script's new runs (a run's own maxRuntime still wins). */
final class PolicyRoutes implements Routes {
    private final Supplier<Services> services;

    PolicyRoutes(Supplier<Services> services) {
        this.services = services;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/script/policies/{scriptName}", ctx -> Envelope.ok(ctx, policies().get(Params.pathId(ctx, "scriptName"))));
        routes.put("/script/policies/{scriptName}", this::put);
    }

    /** {@code {"maxRuntime": "PT6H"}} sets the policy; {@code {"maxRuntime": null}} removes it. */
    private void put(Context ctx) {
        String script = Params.pathId(ctx, "scriptName");
        JsonNode body = Params.body(ctx);
        if (!body.has("maxRuntime")) {
            throw ApiException.badRequest("maxRuntime", "is required (an ISO-8601 duration such as PT6H, or null)");
        }
        String text = Params.bodyText(body, "maxRuntime");
        Duration maxRuntime;
        try {
            maxRuntime = text == null ? null : Bounds.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("maxRuntime", e.getMessage());
        }
        Envelope.ok(ctx, policies().set(script, maxRuntime));
    }

    private Policies policies() {
        return services.get().policies();
    }
}
