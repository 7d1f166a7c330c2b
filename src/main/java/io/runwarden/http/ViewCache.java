package io.runwarden.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The last rendering of a view, served again while what it was rendered from is unchanged: the dashboard view of
 * 10,000 scripts is 5 MB of JSON built from 10,000 summaries, too much to build per request. A changed version is
 * rendered before the answer, so the view never lags what the stores hold. Past {@link #REFRESH_AFTER} a request
 * still gets the rendering it finds and starts the next one in the background, so that under steady reads no
 * request waits for one, and the view's clock-relative fields (ages, schedule states) are never more than
 * {@link #MAX_AGE} old. A null version (part of the data is on other instances) is never cached. A kept rendering is
 * rendered outside the heap, where a socket writes it from with no copy: 5 MB copied through 32 KB buffers cost each
 * request 4 ms of CPU, half of it gone this way. One for a single request is rendered on the heap: outside it, a
 * buffer is freed only by a collection, and one each request would fill the direct memory's bound within a second.
 */
final class ViewCache {
    /** Half of {@link #MAX_AGE}: a rendering of 10,000 scripts takes under 0.1 s of a loaded core, well inside the rest. */
    static final Duration REFRESH_AFTER = Duration.ofSeconds(1);
    static final Duration MAX_AGE = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(ViewCache.class);

    private record Rendered(Object version, long renderedAt, ByteBuffer body) {
    }

    /** A view rendered into a buffer of its size, which the given function allocates. */
    interface Render {
        ByteBuffer into(IntFunction<ByteBuffer> allocate);
    }

    private final LongSupplier nanoTime;
    private final Executor background;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Rendered last;

    ViewCache(LongSupplier nanoTime) {
        this(nanoTime, new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "runwarden-view-render");
            thread.setDaemon(true);
            return thread;
        }));
    }

    ViewCache(LongSupplier nanoTime, Executor background) {
        this.nanoTime = nanoTime;
        this.background = background;
    }

    /**
     * @param version what the view is rendered from: equal versions, equal views but for the time; null, unknown
     * @param render  the view's bytes as of now
     * @return the view, read-only, for this caller alone to read
     */
    ByteBuffer get(Supplier<Object> version, Render render) {
        long arrived = nanoTime.getAsLong();
        Object current = version.get();
        if (current == null) {
            return render.into(ByteBuffer::allocate).asReadOnlyBuffer(); // each request its own, side by side
        }
        Rendered known = last;
        if (known != null && known.version().equals(current)) {
            long age = nanoTime.getAsLong() - known.renderedAt();
            if (age < MAX_AGE.toNanos()) {
                if (age >= REFRESH_AFTER.toNanos() && refreshing.compareAndSet(false, true)) {
                    background.execute(() -> refresh(version, render, known, arrived));
                }
                return known.body().duplicate();
            }
        }
        return render(version, render, known, arrived);
    }

    private void refresh(Supplier<Object> version, Render render, Rendered seen, long arrived) {
        try {
            render(version, render, seen, arrived);
        } catch (RuntimeException e) {
            // the next request renders for itself and answers with whatever went wrong
            LOG.debug("a view was not rendered ahead: {}", e.toString());
        } finally {
            refreshing.set(false);
        }
    }

    /**
     * One rendering at a time: a caller that waited for another's takes its result when it is of the same version, or
     * when it began after the caller arrived, and so holds everything the caller could expect. Under steady writes
     * the version moves at every commit: each waiter rendered again, one after the other, and each held a body of
     * its own while it was sent (30,000 scripts, 20 MB a body, 80 readers: out of memory).
     * @param seen    the rendering the caller found too old or of another version
     * @param arrived when the caller asked
     */
    private synchronized ByteBuffer render(Supplier<Object> version, Render render, Rendered seen, long arrived) {
        Object current = version.get(); // before the read: a change during it makes the next call render again
        Rendered known = last;
        if (known != seen && (known.renderedAt() - arrived >= 0 || current != null && known.version().equals(current)
                && nanoTime.getAsLong() - known.renderedAt() < REFRESH_AFTER.toNanos())) {
            return known.body().duplicate();
        }
        long at = nanoTime.getAsLong();
        ByteBuffer body = render.into(current == null ? ByteBuffer::allocate : ByteBuffer::allocateDirect).asReadOnlyBuffer();
        if (current == null) {
            return body;
        }
        last = new Rendered(current, at, body);
        return body.duplicate();
    }
}
