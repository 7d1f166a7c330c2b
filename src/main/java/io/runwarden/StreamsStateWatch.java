package io.runwarden;

import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Follows the streams' states: says whether they first ran or failed, marks the service failing as they fail, and calls
 * the host once when they fail for good after they ran. The start is judged by the state that settled it, not the state a
 * moment later: a rebalance right after the first RUNNING (a restart's follow-up assignment) is a start, not a failure.
 * It keeps the exception that stopped a thread, for a failed start to name its cause; Streams logs it as well.
 * A thread stopped by a transaction the broker aborted is replaced instead, a few times in a while: see
 * {@link #ABORTED}. And it tells when the streams are stuck ({@link #stuck}): out of RUNNING with no restore under way.
 */
final class StreamsStateWatch implements KafkaStreams.StateListener, StreamsUncaughtExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsStateWatch.class);
    /**
     * What a stream thread meets after it stalled longer than {@code transaction.timeout.ms} (a loaded host, a long
     * collection, a suspended VM): the broker aborted its transaction, and Kafka Streams 4.4 calls some of these fatal
     * (an {@link InvalidTxnStateException} at the commit). Nothing is wrong with the data, and exactly-once keeps every
     * event: a new thread restores the tasks and goes on, where stopping would silence the watchdog.
     */
    static final Set<Class<? extends Throwable>> ABORTED = Set.of(InvalidTxnStateException.class,
            InvalidProducerEpochException.class, ProducerFencedException.class, TransactionAbortedException.class,
            InvalidPidMappingException.class, UnknownProducerIdException.class);
    /** Threads replaced within {@link #REPLACEMENT_WINDOW} before the next such failure stops the client after all. */
    static final int MAX_REPLACEMENTS = 5;
    static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);
    /**
     * Out of RUNNING this long, with no record restored meanwhile, the streams are stuck: a rebalance or a restore
     * takes seconds to minutes and restores as it goes, while a transaction left hanging on the broker blocks every
     * task's start for good (seen by a review). Kafka Streams gives up on a task after 5 minutes and tries again.
     */
    static final Duration STUCK_AFTER = Duration.ofMinutes(5);

    private final Consumer<String> failing;
    private final Runnable onStreamsError;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile State settledIn;
    private volatile Throwable failure;
    private final LongSupplier nanoClock;
    /** When threads were replaced, oldest first, within the last {@link #REPLACEMENT_WINDOW}. */
    private final Deque<Long> replaced = new ArrayDeque<>();
    private volatile boolean running;
    /** When the streams last left RUNNING or restored a batch (at first, when they were created). */
    private volatile long idleSince;

    /**
     * @param failing        told why, as the streams reach PENDING_ERROR or ERROR
     * @param onStreamsError run once, on a thread of its own, when the streams reach ERROR after they first ran
     */
    StreamsStateWatch(Consumer<String> failing, Runnable onStreamsError) {
        this(failing, onStreamsError, System::nanoTime);
    }

    StreamsStateWatch(Consumer<String> failing, Runnable onStreamsError, LongSupplier nanoClock) {
        this.failing = failing;
        this.onStreamsError = onStreamsError;
        this.nanoClock = nanoClock;
        this.idleSince = nanoClock.getAsLong();
    }

    @Override
    public synchronized void onChange(State now, State before) {
        if (running != (now == State.RUNNING)) {
            running = now == State.RUNNING;
            idleSince = nanoClock.getAsLong();
        }
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

    /**
     * Replaces a thread that an aborted transaction stopped, while fewer than {@link #MAX_REPLACEMENTS} were in the last
     * {@link #REPLACEMENT_WINDOW}; otherwise stops the client, as Streams does by default: the host decides what follows
     * (an exit, for a supervisor).
     */
    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        if (failure == null && aborted(exception) && mayReplace()) {
            LOG.warn("a stream thread stopped on a transaction the broker aborted (did the process stall longer than "
                    + "transaction.timeout.ms?): replacing it; its tasks are restored and no event is lost", exception);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        // the first is the cause: others may follow from the shutdown it set off
        if (failure == null) {
            failure = exception;
        }
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    private boolean mayReplace() {
        long now = nanoClock.getAsLong();
        while (!replaced.isEmpty() && now - replaced.peekFirst() > REPLACEMENT_WINDOW.toNanos()) {
            replaced.removeFirst();
        }
        if (replaced.size() >= MAX_REPLACEMENTS) {
            return false;
        }
        replaced.addLast(now);
        return true;
    }

    private static boolean aborted(Throwable exception) {
        Throwable cause = exception;
        for (int depth = 0; cause != null && depth < 32; depth++, cause = cause.getCause()) {
            for (Class<? extends Throwable> kind : ABORTED) {
                if (kind.isInstance(cause)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A batch of records was restored into a store: a restore under way is progress, however long it takes. */
    void restored() {
        idleSince = nanoClock.getAsLong();
    }

    /**
     * Why the streams process nothing, while they have been out of RUNNING for {@link #STUCK_AFTER} with nothing
     * restored; null while they run or make progress.
     */
    String stuck() {
        if (running || nanoClock.getAsLong() - idleSince < STUCK_AFTER.toNanos()) {
            return null;
        }
        return "Kafka Streams have not been RUNNING for " + STUCK_AFTER.toMinutes() + " minutes and restored nothing "
                + "meanwhile: runwarden processes no event (a transaction left hanging on the broker? see docs/guarantees.md)";
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
