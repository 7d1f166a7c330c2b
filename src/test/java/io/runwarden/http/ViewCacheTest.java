package io.runwarden.http;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ViewCacheTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<Runnable> queued = new ArrayList<>();
    private final ViewCache cache = new ViewCache(clock::get, queued::add);
    private final AtomicReference<Object> version = new AtomicReference<>("v1");
    private final AtomicInteger renders = new AtomicInteger();
    private final ViewCache.Render render = allocate -> {
        byte[] view = ("view " + renders.incrementAndGet() + " of " + version.get()).getBytes(StandardCharsets.UTF_8);
        return allocate.apply(view.length).put(view).flip();
    };

    private String get() {
        return StandardCharsets.UTF_8.decode(cache.get(version::get, render)).toString();
    }

    private void advanceMillis(long millis) {
        clock.addAndGet(millis * 1_000_000L);
    }

    @Test
    void readersThatWaitedForARenderingBegunAfterTheyAskedTakeItThoughTheVersionMoved() throws Exception {
        ViewCache live = new ViewCache(System::nanoTime, Runnable::run);
        AtomicLong versions = new AtomicLong();
        CountDownLatch firstBegun = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger rendered = new AtomicInteger();
        ViewCache.Render slow = allocate -> {
            if (rendered.incrementAndGet() == 1) {
                firstBegun.countDown();
                try {
                    releaseFirst.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return allocate.apply(1);
        };
        // every read finds another version, as under steady writes
        Supplier<Object> moving = versions::incrementAndGet;
        Thread first = new Thread(() -> live.get(moving, slow));
        first.start();
        assertThat(firstBegun.await(1, TimeUnit.MINUTES)).isTrue();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Thread reader = new Thread(() -> live.get(moving, slow));
            readers.add(reader);
            reader.start();
        }
        await().atMost(Duration.ofMinutes(1))
                .until(() -> readers.stream().allMatch(reader -> reader.getState() == Thread.State.BLOCKED));
        releaseFirst.countDown();
        first.join();
        for (Thread reader : readers) {
            reader.join();
        }
        assertThat(rendered).as("the first rendering, and one for the 20 readers who asked while it ran").hasValue(2);
    }

    @Test
    void aFreshViewIsServedAgainWithoutRenderingAnother() {
        assertThat(get()).isEqualTo("view 1 of v1");
        advanceMillis(ViewCache.REFRESH_AFTER.toMillis() - 100);
        assertThat(get()).isEqualTo("view 1 of v1");
        assertThat(queued).as("nothing rendered ahead while the view is fresh").isEmpty();
    }

    @Test
    void aChangedVersionIsRenderedBeforeTheAnswer() {
        get();
        version.set("v2");
        assertThat(get()).isEqualTo("view 2 of v2");
        assertThat(get()).isEqualTo("view 2 of v2");
    }

    @Test
    void pastTheRefreshAgeTheViewIsServedAndTheNextOneRenderedAheadOnce() {
        get();
        advanceMillis(ViewCache.REFRESH_AFTER.toMillis() + 100);
        assertThat(get()).isEqualTo("view 1 of v1");
        assertThat(get()).isEqualTo("view 1 of v1");
        assertThat(queued).as("one rendering ahead, however many requests").hasSize(1);
        queued.remove(0).run();
        assertThat(get()).isEqualTo("view 2 of v1");
        assertThat(renders).hasValue(2);
    }

    @Test
    void aViewOfTheMaxAgeIsRenderedBeforeTheAnswer() {
        get();
        advanceMillis(ViewCache.MAX_AGE.toMillis());
        assertThat(get()).isEqualTo("view 2 of v1");
        assertThat(queued).isEmpty();
    }

    @Test
    void aRenderingAheadThatWasOvertakenIsNotDoneTwice() {
        get();
        advanceMillis(ViewCache.REFRESH_AFTER.toMillis() + 100);
        get(); // queues a rendering ahead
        version.set("v2");
        assertThat(get()).isEqualTo("view 2 of v2");
        queued.remove(0).run();
        assertThat(renders).as("the queued rendering found a fresh view of its version").hasValue(2);
        assertThat(get()).isEqualTo("view 2 of v2");
    }

    @Test
    void aRenderingAheadThatFailsIsTriedAgainByTheNextRequest() {
        get();
        advanceMillis(ViewCache.REFRESH_AFTER.toMillis() + 100);
        cache.get(version::get, allocate -> {
            throw new IllegalStateException("not ready");
        });
        queued.remove(0).run();
        advanceMillis(100);
        assertThat(get()).as("the view it had").isEqualTo("view 1 of v1");
        assertThat(queued).as("rendered ahead again").hasSize(1);
        queued.remove(0).run();
        assertThat(get()).isEqualTo("view 2 of v1");
    }

    @Test
    void anUnknownVersionIsRenderedEveryTime() {
        version.set(null);
        assertThat(get()).isEqualTo("view 1 of null");
        assertThat(get()).isEqualTo("view 2 of null");
        assertThat(queued).isEmpty();
    }

    @Test
    void aKeptRenderingLivesOutsideTheHeapAndOneForASingleRequestOnIt() {
        assertThat(cache.get(version::get, render).isDirect()).as("kept, sent with no copy").isTrue();
        version.set(null);
        assertThat(cache.get(version::get, render).isDirect()).as("freed with the request").isFalse();
    }
}
