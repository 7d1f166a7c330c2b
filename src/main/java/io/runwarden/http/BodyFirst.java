package io.runwarden.http;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.Invocable;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;

/**
 * Reads a request's body as its bytes arrive, with no thread waiting on them, and only then runs its route. The routes
 * read bodies with blocking calls: a client sending its body a byte at a time held one of Jetty's threads for as long
 * as it liked, and a few hundred such clients (a slow-loris attack) left none for anyone else, {@code /health}
 * included.
 *
 * <p>A body must keep up, or it is answered 408 and its connection closed: its first {@link #GRACE} are free, after
 * that it must have arrived at {@link #MIN_BYTES_PER_SECOND} or faster. Checked as bytes arrive; one that sends nothing
 * at all is ended by Jetty's idle timeout, also with a 408.
 */
final class BodyFirst implements EagerContentHandler.ContentLoaderFactory {
    static final Duration GRACE = Duration.ofSeconds(10);
    static final long MIN_BYTES_PER_SECOND = 1024;
    /** What is kept of a body: one byte more than a route takes, so that the route still answers 413. */
    private static final int KEPT = (int) ApiServer.MAX_BODY_BYTES + 1;

    private BodyFirst() {
    }

    /** The handler to put in front of the routes. */
    static Handler.Singleton handler() {
        return new EagerContentHandler(new BodyFirst());
    }

    @Override
    public String getApplicableMimeType() {
        return null; // every body
    }

    @Override
    public EagerContentHandler.ContentLoader newContentLoader(String contentType, String mimeType, Handler next,
                                                              Request request, Response response, Callback callback) {
        if (request.getLength() > UnreadBody.MAX_BYTES) {
            return null; // declared too large to be worth reading: answered 413 at once, then the connection closes
        }
        return new Loader(next, request, response, callback);
    }

    private static final class Loader extends EagerContentHandler.ContentLoader implements Invocable.Task {
        private final long begin = NanoTime.now();
        private byte[] kept = new byte[1024];
        private int keptLength;
        private long arrived;

        Loader(Handler next, Request request, Response response, Callback callback) {
            super(next, request, response, callback);
        }

        @Override
        protected void load() {
            read(false);
        }

        /** More of the body may have come: called by Jetty, on no thread that may block. */
        @Override
        public void run() {
            read(true);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        private void read(boolean demanded) {
            while (true) {
                Content.Chunk chunk = getRequest().read();
                if (chunk == null) {
                    getRequest().demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    if (chunk.getFailure() instanceof TimeoutException) {
                        tooSlow("nothing came for longer than the idle timeout");
                    } else {
                        handOver(demanded, chunk); // cut short: the route answers 400 as before
                    }
                    return;
                }
                keep(chunk.getByteBuffer());
                boolean last = chunk.isLast();
                chunk.release();
                if (last || arrived > UnreadBody.MAX_BYTES) {
                    // past MAX_BYTES the rest stays unread: the route answers 413 and the connection is closed
                    handOver(demanded, Content.Chunk.EOF);
                    return;
                }
                if (behind()) {
                    tooSlow(arrived + " bytes in " + NanoTime.millisSince(begin) + " ms");
                    return;
                }
            }
        }

        private void keep(ByteBuffer bytes) {
            arrived += bytes.remaining();
            int take = Math.min(bytes.remaining(), KEPT - keptLength);
            if (keptLength + take > kept.length) {
                kept = Arrays.copyOf(kept, Math.min(KEPT, Math.max(kept.length * 2, keptLength + take)));
            }
            bytes.get(kept, keptLength, take);
            keptLength += take;
        }

        /** Whether the body is behind the pace it must keep once its grace is over. */
        private boolean behind() {
            long late = NanoTime.millisSince(begin) - GRACE.toMillis();
            return late > 0 && arrived < late * MIN_BYTES_PER_SECOND / 1000;
        }

        private void tooSlow(String what) {
            Response.writeError(getRequest(), getResponse(), getCallback(), HttpStatus.REQUEST_TIMEOUT_408,
                    "the request body came too slowly (" + what + "); after its first " + GRACE.toSeconds()
                            + " s a body must arrive at " + MIN_BYTES_PER_SECOND + " bytes per second or faster");
        }

        /** Runs the route on what was read; on a thread of the pool, since routes block. */
        private void handOver(boolean demanded, Content.Chunk end) {
            Request request = new ReadAhead(getRequest(), Content.Chunk.from(ByteBuffer.wrap(kept, 0, keptLength), false), end);
            if (demanded) {
                getRequest().getContext().execute(() -> handle(request, getResponse(), getCallback()));
            } else {
                handle(request, getResponse(), getCallback());
            }
        }
    }

    /** The request as the route sees it: the body read ahead, then its end (or the failure that cut it short). */
    private static final class ReadAhead extends Request.Wrapper {
        private Content.Chunk body;
        private final Content.Chunk end;

        ReadAhead(Request request, Content.Chunk body, Content.Chunk end) {
            super(request);
            this.body = body;
            this.end = end;
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk next = body;
            if (next == null) {
                return end;
            }
            body = null;
            return next;
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run(); // everything there is to read is here already
        }
    }
}
