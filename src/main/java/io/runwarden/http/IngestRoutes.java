package io.runwarden.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.runwarden.model.Bounds;
import io.runwarden.model.EventCodec;
import io.runwarden.model.EventType;
import io.runwarden.service.Services;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Supplier;

/** Reporting over HTTP, for scripts without a Kafka client: each call writes one contract event to script-events. */
final class IngestRoutes implements Routes {
    record Accepted(String runId, EventType event) {
    }

    private final Supplier<Services> services;

    IngestRoutes(Supplier<Services> services) {
        this.services = services;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/script/runs", this::start, Need.WRITE);
        for (EventType type : new EventType[]{EventType.HEARTBEAT, EventType.SUCCEEDED, EventType.FAILED}) {
            routes.post("/script/runs/{runId}/" + type.wireName(), ctx -> {
                String runId = Params.pathId(ctx, "runId"); // the path is checked before the body, as on every route
                report(ctx, Params.body(ctx), runId, type, 202);
            }, Need.WRITE);
        }
    }

    private void start(Context ctx) {
        JsonNode body = Params.body(ctx);
        String runId = Params.bodyId(body, "runId");
        report(ctx, body, runId != null ? runId : UUID.randomUUID().toString(), EventType.STARTED, 201);
    }

    /** The body holds the event's fields but {@code event}, which the path says; it is written as the caller wrote it. */
    private void report(Context ctx, JsonNode body, String runId, EventType type, int status) {
        String bodyRunId = Params.bodyId(body, "runId");
        if (bodyRunId != null && !bodyRunId.equals(runId)) {
            throw ApiException.badRequest("runId", Bounds.quote(bodyRunId) + " differs from the run " + Bounds.quote(runId) + " of the path");
        }
        Params.bodyId(body, "scriptName");
        body.fieldNames().forEachRemaining(field -> {
            if (!EventCodec.FIELDS.contains(field)) {
                throw ApiException.badRequest(field, "is not a field of an event (" + String.join(", ", EventCodec.FIELDS) + ")");
            }
        });
        ObjectNode event = (ObjectNode) body; // parsed for this request alone
        event.put("runId", runId);
        event.put("event", type.wireName());
        services.get().runs().report(event);
        if (type == EventType.STARTED) {
            ctx.header("Location", "/script/logs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        Envelope.ok(ctx, status, new Accepted(runId, type));
    }
}
