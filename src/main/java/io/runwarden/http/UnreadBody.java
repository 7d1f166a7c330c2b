package io.runwarden.http;

import io.javalin.http.Context;
import jakarta.servlet.ServletInputStream;

import java.io.IOException;
import java.time.Duration;

/**
 * Reads and throws away what is left of a request body no route read, before the answer goes out. An answer given
 * before the body is read (401, 403, 404, 405, 413, a 400 on the path) otherwise makes Jetty close the connection
 * while the client is still sending: the unread bytes turn the close into a reset, and a client that writes its whole
 * body before it reads (Java's HttpClient) sees a broken pipe or a reset instead of the answer. A client that asked
 * for a 100 Continue gets it from this read and sends its body before it gets the answer: bytes spent, no answer lost.
 * Bounded: a body declared larger than {@link #MAX_BYTES} is not waited for, nor one still coming after
 * {@link #MAX_TIME}; then the close is the answer.
 */
final class UnreadBody {
    /** Far more than any request of this API holds (bodies are at most 64 KiB), and still quickly read on a network. */
    static final long MAX_BYTES = 16L * 1024 * 1024;
    /** Checked between reads; each read waits at most Jetty's idle timeout. */
    static final Duration MAX_TIME = Duration.ofSeconds(10);

    private UnreadBody() {
    }

    static void drain(Context ctx) {
        if (ctx.req().getContentLengthLong() > MAX_BYTES) {
            return; // not worth the wait: the connection is closed after the answer
        }
        long deadline = System.nanoTime() + MAX_TIME.toNanos();
        try {
            ServletInputStream in = ctx.req().getInputStream();
            if (in.isFinished() || in.read() == -1) {
                return; // no body, or a route read it all: no buffer for each of thousands of requests a second
            }
            byte[] buffer = new byte[16 * 1024];
            long left = MAX_BYTES;
            int read;
            while (left > 0 && System.nanoTime() - deadline < 0
                    && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) != -1) {
                left -= read;
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away or the body was already taken: nothing is left to drain
        }
    }
}
