package io.runwarden.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Bounds;
import io.runwarden.model.EventType;
import io.runwarden.model.Json;
import io.runwarden.stream.EventParser;
import io.runwarden.stream.InvalidEventException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/** Reporting over HTTP, for scripts without a Kafka client: each call writes one contract event to script-events. */
final class IngestRoutes {
    private static final Set<String> FIELDS = Set.of("runId", "scriptName", "time", "message", "maxRuntime");

    record Accepted(String runId, String event) {
    }

    private final Supplier<Backend> backend;

    IngestRoutes(Supplier<Backend> backend) {
        this.backend = backend;
    }

    void register(RoutesConfig routes) {
        routes.post("/script/runs", this::start);
        for (EventType type : new EventType[]{EventType.HEARTBEAT, EventType.SUCCEEDED, EventType.FAILED}) {
            routes.post("/script/runs/{runId}/" + type.wireName(), ctx -> report(ctx, Params.pathId(ctx, "runId"), type, 202));
        }
    }

    private void start(Context ctx) {
        String runId = Params.bodyId(Params.body(ctx), "runId");
        String id = runId != null ? runId : UUID.randomUUID().toString();
        report(ctx, id, EventType.STARTED, 201);
    }

    private void report(Context ctx, String runId, EventType type, int status) {
        JsonNode body = Params.body(ctx);
        String bodyRunId = Params.bodyId(body, "runId");
        if (bodyRunId != null && !bodyRunId.equals(runId)) {
            throw ApiException.badRequest("runId", Bounds.quote(bodyRunId) + " differs from the run " + Bounds.quote(runId) + " of the path");
        }
        Params.bodyId(body, "scriptName");
        ObjectNode event = Json.MAPPER.createObjectNode();
        body.fields().forEachRemaining(field -> {
            if (!FIELDS.contains(field.getKey())) {
                throw ApiException.badRequest(field.getKey(), "is not a field of an event (" + String.join(", ", FIELDS) + ")");
            }
            event.set(field.getKey(), field.getValue());
        });
        event.put("runId", runId);
        event.put("event", type.wireName());
        byte[] bytes = Json.bytes(event);
        try {
            EventParser.parse(runId, bytes, System.currentTimeMillis());
        } catch (InvalidEventException e) {
            throw new ApiException(400, "invalid_event", e.getMessage());
        }
        Writes.send(backend.get().producer(), Topics.SCRIPT_EVENTS, runId, bytes, null);
        if (type == EventType.STARTED) {
            ctx.header("Location", "/script/logs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        Envelope.ok(ctx, status, new Accepted(runId, type.wireName()));
    }
}
