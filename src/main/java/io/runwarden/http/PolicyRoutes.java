package io.runwarden.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.runwarden.model.Bounds;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Json;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.model.Times;
import io.runwarden.stream.Stores;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/** Per-script policies: the max runtime of a script's new runs (a run's own maxRuntime still wins). */
final class PolicyRoutes {
    record PolicyView(String scriptName, Duration maxRuntime, Duration effectiveMaxRuntime) {
    }

    private final Supplier<Backend> backend;

    PolicyRoutes(Supplier<Backend> backend) {
        this.backend = backend;
    }

    void register(RoutesConfig routes) {
        routes.get("/script/policies/{scriptName}", this::get);
        routes.put("/script/policies/{scriptName}", this::put);
    }

    private void get(Context ctx) {
        String script = Params.pathId(ctx, "scriptName");
        Envelope.ok(ctx, view(script, current(script)));
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
        Backend b = backend.get();
        ScriptPolicy policy = maxRuntime == null ? null : new ScriptPolicy(script, maxRuntime);
        Writes.send(b.producer(), Topics.SCRIPT_POLICIES, script, policy == null ? null : Json.bytes(policy), null);
        Writes.awaitVisible(() -> Objects.equals(policy, current(script)));
        Envelope.ok(ctx, view(script, policy));
    }

    private ScriptPolicy current(String script) {
        return backend.get().<ScriptPolicy>global(Stores.POLICIES).get(script);
    }

    private PolicyView view(String script, ScriptPolicy policy) {
        Duration own = policy == null ? null : policy.maxRuntime();
        return new PolicyView(script, own, own != null ? own : backend.get().settings().staleAfter());
    }
}
