package io.runwarden.http;

import io.javalin.http.Context;

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
        ctx.status(status).json(new Ok(true, data));
    }

    public static void ok(Context ctx, Object data) {
        ok(ctx, 200, data);
    }

    public static void error(Context ctx, int status, String code, String message) {
        ctx.status(status).json(new Failure(false, new Error(code, message)));
    }
}
