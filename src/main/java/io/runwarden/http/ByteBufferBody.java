package io.runwarden.http;

import com.fasterxml.jackson.databind.util.ByteBufferBackedInputStream;
import io.javalin.http.Context;
import io.javalin.http.Header;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Sends a large body held outside the heap in one write, where Javalin would copy it through its stream 32 KB at a
 * time, each a pass through Jetty's write path. A client that asks for a compressed answer (a browser) gets it
 * through Javalin as before, read from the same buffer: never a copy of the whole body a reader, which 80 readers of
 * a 20 MB view would hold at once. A body on the heap goes through Javalin too: written whole, the JDK would copy
 * it into a direct buffer of its size and keep that buffer for the thread.
 */
final class ByteBufferBody {
    private static final Logger LOG = LoggerFactory.getLogger(ByteBufferBody.class);

    private ByteBufferBody() {
    }

    static void send(Context ctx, ByteBuffer body) throws IOException {
        ctx.header(Header.VARY, Header.ACCEPT_ENCODING); // a shared cache must tell the plain answer from the gzipped one
        String encodings = ctx.header(Header.ACCEPT_ENCODING);
        if ((encodings != null && !encodings.isBlank()) || !body.isDirect()
                || !(ctx.res().getOutputStream() instanceof HttpOutput out)) {
            ctx.result(new ByteBufferBackedInputStream(body));
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
