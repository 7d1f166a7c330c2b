package io.runwarden.http;

import io.javalin.http.Context;
import io.javalin.http.Header;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Sends a large body held in a buffer in one write, where Javalin would copy it through its stream 32 KB at a time,
 * each a pass through Jetty's write path. A client that asks for a compressed answer (a browser) gets it through
 * Javalin as before: compression copies anyway.
 */
final class ByteBufferBody {
    private static final Logger LOG = LoggerFactory.getLogger(ByteBufferBody.class);

    private ByteBufferBody() {
    }

    static void send(Context ctx, ByteBuffer body) throws IOException {
        String encodings = ctx.header(Header.ACCEPT_ENCODING);
        if ((encodings != null && !encodings.isBlank()) || !(ctx.res().getOutputStream() instanceof HttpOutput out)) {
            byte[] bytes = new byte[body.remaining()];
            body.get(bytes);
            ctx.result(bytes);
            return;
        }
        int size = body.remaining();
        ctx.res().setContentLength(size);
        try {
            out.write(body);
        } catch (IOException e) {
            // the client left before the end: nothing is left to answer, as when Javalin writes a body
            LOG.debug("a body of {} bytes was not sent whole: {}", size, e.toString());
        }
    }
}
