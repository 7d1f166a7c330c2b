package io.runwarden;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows the streams' states: says whether they first ran or failed, marks the service failing as they fail, and calls
 * the host once when they fail for good after they ran. The start is judged by the state that settled it, not the state a
 * moment later: a rebalance right after the first RUNNING (a restart's follow-up assignment) is a start, not a failure.
 * It keeps the exception that stopped a thread, for a failed start to name its cause; Streams logs it as well.
 */
final class StreamsStateWatch implements KafkaStreams.StateListener, StreamsUncaughtExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsStateWatch.class);

    private final Consumer<String> failing;
    private final Runnable onStreamsError;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile State settledIn;
    private volatile Throwable failure;

    /**
     * @param failing        told why, as the streams reach PENDING_ERROR or ERROR
     * @param onStreamsError run once, on a thread of its own, when the streams reach ERROR after they first ran
     */
    StreamsStateWatch(Consumer<String> failing, Runnable onStreamsError) {
        this.failing = failing;
        this.onStreamsError = onStreamsError;
    }

    @Override
    public synchronized void onChange(State now, State before) {
        if (now == State.PENDING_ERROR || now == State.ERROR) {
            failing.accept("Kafka Streams is " + now + ": runwarden processes no event any more");
        }
        if (now == State.ERROR && settledIn == State.RUNNING) {
            LOG.error("Kafka Streams stopped for good (ERROR): nothing is processed any more");
            // not on the streams' own thread, which closing the streams waits for
            new Thread(onStreamsError, "runwarden-streams-error").start();
        }
        // PENDING_ERROR settles it too: ERROR comes only once every thread has stopped, which may never happen
        if ((now == State.RUNNING || now == State.PENDING_ERROR || now == State.ERROR) && settledIn == null) {
            settledIn = now;
            settled.countDown();
        }
    }

    /** Stops the client, as Streams does by default: the host decides what follows (an exit, for a supervisor). */
    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        // the first is the cause: others may follow from the shutdown it set off
        if (failure == null) {
            failure = exception;
        }
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** Why the streams failed, when a thread of theirs threw. */
    Throwable failure() {
        return failure;
    }

    /**
     * Waits as long as it takes (restoring a large state is never given up, as exactly-once would wipe the progress),
     * saying every {@code progress} what the streams are doing.
     *
     * @return whether the streams first ran, rather than began to fail
     */
    boolean awaitFirstRun(KafkaStreams streams, Duration progress) throws InterruptedException {
        while (!settled.await(progress.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.info("streams are {}: restoring state or joining the group; /ready answers once they run", streams.state());
        }
        return settledIn == State.RUNNING;
    }
}
