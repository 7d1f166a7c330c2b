package io.runwarden;

import io.runwarden.kafka.StoppedStreams;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The start's verdict and the failure calls, as Kafka Streams' own state changes drive them. */
class StreamsStateWatchTest {
    private static final Duration PROGRESS = Duration.ofSeconds(30);

    @TempDir
    Path stateDir;

    private KafkaStreams streams;
    private final List<String> failing = new CopyOnWriteArrayList<>();
    private final AtomicInteger errorCalls = new AtomicInteger();
    private final CountDownLatch errorCalled = new CountDownLatch(1);
    private StreamsStateWatch watch;

    @BeforeEach
    void watch() {
        streams = StoppedStreams.create(stateDir);
        watch = new StreamsStateWatch(failing::add, () -> {
            errorCalls.incrementAndGet();
            errorCalled.countDown();
        });
    }

    @AfterEach
    void close() {
        streams.close();
    }

    @Test
    void aRebalanceRightAfterTheFirstRunIsAStart() throws InterruptedException {
        watch.onChange(State.REBALANCING, State.CREATED);
        watch.onChange(State.RUNNING, State.REBALANCING);
        // a restart's follow-up assignment, before the starting thread looked
        watch.onChange(State.REBALANCING, State.RUNNING);

        assertThat(watch.awaitFirstRun(streams, PROGRESS)).isTrue();
        assertThat(failing).isEmpty();
        assertThat(errorCalls).hasValue(0);
    }

    @Test
    void anErrorBeforeTheFirstRunFailsTheStartWithoutCallingTheHost() throws InterruptedException {
        watch.onChange(State.REBALANCING, State.CREATED);
        watch.onChange(State.PENDING_ERROR, State.REBALANCING);
        watch.onChange(State.ERROR, State.PENDING_ERROR);
        // the start closes the streams it gave up on
        watch.onChange(State.PENDING_SHUTDOWN, State.ERROR);
        watch.onChange(State.NOT_RUNNING, State.PENDING_SHUTDOWN);

        assertThat(watch.awaitFirstRun(streams, PROGRESS)).isFalse();
        assertThat(failing).hasSize(2).allMatch(reason -> reason.contains("processes no event"));
        assertThat(errorCalls).hasValue(0);
    }

    @Test
    void anErrorAfterTheFirstRunCallsTheHostOnceOnAThreadOfItsOwn() throws InterruptedException {
        watch.onChange(State.REBALANCING, State.CREATED);
        watch.onChange(State.RUNNING, State.REBALANCING);
        assertThat(watch.awaitFirstRun(streams, PROGRESS)).isTrue();

        watch.onChange(State.PENDING_ERROR, State.RUNNING);
        watch.onChange(State.ERROR, State.PENDING_ERROR);

        assertThat(errorCalled.await(30, TimeUnit.SECONDS)).as("the host was called").isTrue();
        assertThat(errorCalls).hasValue(1);
        assertThat(failing).containsExactly(
                "Kafka Streams is PENDING_ERROR: runwarden processes no event any more",
                "Kafka Streams is ERROR: runwarden processes no event any more");
    }

    @Test
    void aThreadsExceptionStopsTheClientAndIsKeptForTheStartToName() {
        IllegalStateException thrown = new IllegalStateException("a store refused a write");

        assertThat(watch.handle(thrown)).isEqualTo(StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(watch.failure()).isSameAs(thrown);
    }

    @Test
    void theWaitLastsUntilTheStreamsFirstRun() throws Exception {
        Thread later = new Thread(() -> {
            watch.onChange(State.REBALANCING, State.CREATED);
            watch.onChange(State.RUNNING, State.REBALANCING);
        });
        later.start();

        assertThat(watch.awaitFirstRun(streams, Duration.ofMillis(10))).isTrue();
        later.join();
    }
}
