package io.runwarden.http;

import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.runwarden.model.Json;

/** The JSON envelope of every answer: {@code {"success": true, "data": …}} or {@code {"success": false, "error": …}}. */
public final class Envelope {
    public record Ok(boolean success, Object data) {
    }

    public record Failure(boolean success, Error error) {
    }

    public record Error(String code, String message) {
    }

    private Envelope() {
    }

    public static void ok(Context ctx, int status, Object data) {
        send(ctx, status, new Ok(true, data));
    }

    public static void ok(Context ctx, Object data) {
        ok(ctx, 200, data);
    }

    public static void error(Context ctx, int status, String code, String message) {
        send(ctx, status, new Failure(false, new Error(code, message)));
    }

    /** Written as UTF-8 by Jackson, where Javalin's {@code json} would write a string to encode again. */
    private static void send(Context ctx, int status, Object envelope) {
        ctx.status(status).contentType(ContentType.APPLICATION_JSON).result(Json.bytes(envelope));
    }
}
