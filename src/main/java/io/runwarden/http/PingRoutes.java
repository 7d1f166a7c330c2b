package io.runwarden.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.runwarden.model.EventType;
import io.runwarden.model.Json;
import io.runwarden.model.Ping;
import io.runwarden.model.Times;
import io.runwarden.service.Services;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Reporting with nothing but curl: {@code POST /ping/{scriptName}} (success), {@code /start}, {@code /fail},
 * {@code /heartbeat} and {@code /{exitCode}}. The body, of any type, is the message. With {@code ?rid=} the ping is an
 * ordinary event of that run; without, a start opens a new run and the stream pairs the others with it.
 */
final class PingRoutes implements Routes {
    private final Supplier<Services> services;

    PingRoutes(Supplier<Services> services) {
        this.services = services;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/ping/{scriptName}", ctx -> ping(ctx, EventType.SUCCEEDED, message(ctx)), Need.WRITE);
        routes.post("/ping/{scriptName}/{action}", this::action, Need.WRITE);
    }

    private void action(Context ctx) {
        String action = ctx.pathParam("action");
        switch (action) {
            case "start" -> ping(ctx, EventType.STARTED, message(ctx));
            case "fail" -> ping(ctx, EventType.FAILED, message(ctx));
            case "heartbeat" -> ping(ctx, EventType.HEARTBEAT, message(ctx));
            default -> {
                int exitCode = exitCode(action);
                String body = message(ctx);
                ping(ctx, exitCode == 0 ? EventType.SUCCEEDED : EventType.FAILED,
                        exitCode == 0 ? body : "exit " + exitCode + (body == null ? "" : ": " + body));
            }
        }
    }

    private void ping(Context ctx, EventType type, String message) {
        String script = Params.pathId(ctx, "scriptName");
        String rid = Params.id(ctx, "rid");
        Instant now = Instant.now();
        String runId = rid;
        if (rid != null) {
            ObjectNode event = Json.MAPPER.createObjectNode().put("runId", rid).put("scriptName", script)
                    .put("event", type.wireName()).put("time", Times.format(now));
            if (message != null) {
                event.put("message", message);
            }
            services.get().runs().report(event);
        } else {
            runId = type == EventType.STARTED ? UUID.randomUUID().toString() : null;
            services.get().runs().ping(new Ping(script, type, runId, now, message));
        }
        Envelope.ok(ctx, type == EventType.STARTED ? 201 : 202, new IngestRoutes.Accepted(runId, type));
    }

    /** 0 to 255, as a shell's {@code $?}; anything else names no ping. */
    private static int exitCode(String action) {
        if (action.matches("\\d{1,3}") && Integer.parseInt(action) <= 255) {
            return Integer.parseInt(action);
        }
        throw ApiException.notFound("no ping " + io.runwarden.model.Bounds.quote(action)
                + ": start, fail, heartbeat or an exit code from 0 to 255");
    }

    /** The body as text, whatever its type: what a shell pipes in. Empty: no message. */
    private static String message(Context ctx) {
        byte[] body = Params.bodyBytes(ctx);
        return body.length == 0 ? null : new String(body, StandardCharsets.UTF_8);
    }
}
