package io.runwarden;

import io.runwarden.kafka.StoppedStreams;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
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
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The start's verdict and the failure calls, for sequences of states Kafka Streams goes through, played by hand. */
class StreamsStateWatchTest {
    private static final Duration PROGRESS = Duration.ofSeconds(30);

    @TempDir
    Path stateDir;

    private KafkaStreams streams;
    private final List<String> failing = new CopyOnWriteArrayList<>();
    private final AtomicInteger errorCalls = new AtomicInteger();
    private final List<String> callers = new CopyOnWriteArrayList<>();
    private final CountDownLatch errorCalled = new CountDownLatch(1);
    private StreamsStateWatch watch;
    private volatile State last = State.CREATED;

    @BeforeEach
    void watch() {
        streams = StoppedStreams.create(stateDir);
        watch = new StreamsStateWatch(failing::add, () -> {
            callers.add(Thread.currentThread().getName());
            errorCalls.incrementAndGet();
            errorCalled.countDown();
        });
    }

    /** The streams' state changes, from the last one played (at first CREATED), as Kafka Streams calls its listener. */
    private void play(State... states) {
        for (State now : states) {
            watch.onChange(now, last);
            last = now;
        }
    }

    @AfterEach
    void close() {
        streams.close();
    }

    @Test
    void aRebalanceRightAfterTheFirstRunIsAStart() throws InterruptedException {
        // the last: a restart's follow-up assignment, before the starting thread looked
        play(State.REBALANCING, State.RUNNING, State.REBALANCING);

        assertThat(watch.awaitFirstRun(streams, PROGRESS)).isTrue();
        assertThat(failing).isEmpty();
        assertThat(errorCalls).hasValue(0);
    }

    @Test
    void anErrorBeforeTheFirstRunFailsTheStartWithoutCallingTheHost() throws InterruptedException {
        play(State.REBALANCING, State.PENDING_ERROR, State.ERROR);

        assertThat(watch.awaitFirstRun(streams, PROGRESS)).isFalse();
        assertThat(failing).hasSize(2).allMatch(reason -> reason.contains("processes no event"));
        assertThat(errorCalls).hasValue(0);
    }

    @Test
    void aPendingErrorEndsTheWaitThoughErrorMayNeverCome() throws InterruptedException {
        // ERROR comes once every thread has stopped: one that hangs while stopping would keep the start waiting
        play(State.REBALANCING, State.PENDING_ERROR);

        assertThat(watch.awaitFirstRun(streams, PROGRESS)).isFalse();
        play(State.ERROR);
        assertThat(errorCalls).hasValue(0);
    }

    @Test
    void anErrorAfterTheFirstRunCallsTheHostOnceOnAThreadOfItsOwn() throws InterruptedException {
        play(State.REBALANCING, State.RUNNING);
        assertThat(watch.awaitFirstRun(streams, PROGRESS)).isTrue();

        play(State.PENDING_ERROR, State.ERROR);

        assertThat(errorCalled.await(30, TimeUnit.SECONDS)).as("the host was called").isTrue();
        assertThat(callers).containsExactly("runwarden-streams-error");
        assertThat(failing).containsExactly(
                "Kafka Streams is PENDING_ERROR: runwarden processes no event any more",
                "Kafka Streams is ERROR: runwarden processes no event any more");
    }

    @Test
    void aThreadsExceptionStopsTheClientAndTheFirstIsKeptForTheStartToName() {
        IllegalStateException cause = new IllegalStateException("a store refused a write");

        assertThat(watch.handle(cause)).isEqualTo(StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        watch.handle(new IllegalStateException("another thread, stopped by the shutdown"));
        assertThat(watch.failure()).isSameAs(cause);
    }

    @Test
    void aThreadStoppedByAnAbortedTransactionIsReplacedAFewTimesInAWhileAndThenTheClientStops() {
        AtomicLong now = new AtomicLong();
        StreamsStateWatch watch = new StreamsStateWatch(failing::add, errorCalls::incrementAndGet, now::get);
        StreamsException aborted = new StreamsException("Error encountered trying to commit a transaction",
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));

        for (int i = 0; i < StreamsStateWatch.MAX_REPLACEMENTS; i++) {
            assertThat(watch.handle(aborted)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            now.addAndGet(Duration.ofSeconds(1).toNanos());
        }
        assertThat(watch.handle(aborted)).as("one too many in the window").isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(watch.failure()).isSameAs(aborted);
        assertThat(watch.handle(new StreamsException(new ProducerFencedException("fenced"))))
                .as("once the client stops, it stops").isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void replacementsOlderThanTheWindowNoLongerCount() {
        AtomicLong now = new AtomicLong();
        StreamsStateWatch watch = new StreamsStateWatch(failing::add, errorCalls::incrementAndGet, now::get);
        for (int i = 0; i < 3 * StreamsStateWatch.MAX_REPLACEMENTS; i++) {
            assertThat(watch.handle(new StreamsException(new InvalidProducerEpochException("old epoch"))))
                    .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            now.addAndGet(StreamsStateWatch.REPLACEMENT_WINDOW.toNanos() / StreamsStateWatch.MAX_REPLACEMENTS + 1);
        }
        assertThat(watch.failure()).isNull();
        assertThat(errorCalls).hasValue(0);
    }

    @Test
    void anythingButAnAbortedTransactionStopsTheClientAtOnce() {
        assertThat(watch.handle(new StreamsException(new IllegalStateException("a store refused a write"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void streamsOutOfRunningFiveMinutesWithNothingRestoredAreStuckUntilTheyRunAgain() {
        AtomicLong now = new AtomicLong();
        StreamsStateWatch watch = new StreamsStateWatch(failing::add, errorCalls::incrementAndGet, now::get);
        watch.onChange(State.REBALANCING, State.CREATED);
        watch.onChange(State.RUNNING, State.REBALANCING);
        now.addAndGet(Duration.ofHours(1).toNanos());
        assertThat(watch.stuck()).as("running, however long").isNull();

        watch.onChange(State.REBALANCING, State.RUNNING);
        now.addAndGet(StreamsStateWatch.STUCK_AFTER.minusSeconds(1).toNanos());
        assertThat(watch.stuck()).as("a rebalance of a few minutes").isNull();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(watch.stuck()).contains("have not been RUNNING for 5 minutes");

        watch.onChange(State.RUNNING, State.REBALANCING);
        assertThat(watch.stuck()).isNull();
        assertThat(failing).as("stuck is not failed: it may pass").isEmpty();
    }

    @Test
    void aRestoreThatGoesOnIsNotStuckHoweverLongItTakes() {
        AtomicLong now = new AtomicLong();
        StreamsStateWatch watch = new StreamsStateWatch(failing::add, errorCalls::incrementAndGet, now::get);
        watch.onChange(State.REBALANCING, State.CREATED);
        for (int minute = 0; minute < 60; minute++) {
            now.addAndGet(Duration.ofMinutes(1).toNanos());
            watch.restored();
            assertThat(watch.stuck()).isNull();
        }
        now.addAndGet(StreamsStateWatch.STUCK_AFTER.toNanos());
        assertThat(watch.stuck()).as("a first start that never gets anywhere").isNotNull();
    }

    @Test
    void theWaitLastsUntilTheStreamsFirstRun() throws Exception {
        Thread waiting = Thread.currentThread();
        Thread later = new Thread(() -> {
            // only once the start is inside its wait
            await().atMost(Duration.ofMinutes(1)).until(() -> waiting.getState() == Thread.State.TIMED_WAITING);
            play(State.REBALANCING, State.RUNNING);
        });
        later.start();

        assertThat(watch.awaitFirstRun(streams, Duration.ofMillis(10))).isTrue();
        later.join();
    }
}
