package io.runwarden.http;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads what is left of a request body no route read, up to the body limit. An answer given before the body is read
 * (401, 403, 404, 405) otherwise makes Jetty close the connection while the client is still sending, and the client
 * sees a broken pipe instead of the answer.
 */
final class UnreadBody {
    private UnreadBody() {
    }

    static void drain(Context ctx) {
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] buffer = new byte[8192];
            long left = ApiServer.MAX_BODY_BYTES;
            int read;
            while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) != -1) {
                left -= read;
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away or the body was already taken: nothing is left to drain
        }
    }
}
