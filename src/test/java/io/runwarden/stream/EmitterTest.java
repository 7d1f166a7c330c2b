package io.runwarden.stream;

import io.runwarden.model.ControlRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sweep or a check waits for each of its hops to be committed before the next partition reads it: what runwarden
 * sends on for one asks for the commit at once, anything else waits for the commit interval, and however many hops
 * records from outside set off, a stream thread asks at most once per {@link Emitter#COMMIT_GAP_MS}.
 */
class EmitterTest {
    /**
     * The stream thread's clock, an hour on for each test: the last ask is the thread's, so tests share it (the
     * topology tests before them on this thread asked at the real time, which these times precede: a clock set back).
     */
    private static final AtomicLong CLOCK = new AtomicLong(1_000_000_000_000L);

    private static MockProcessorContext<String, Object> context() {
        MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(CLOCK.addAndGet(3_600_000));
        return context;
    }

    @ParameterizedTest
    @EnumSource(ControlRecord.class)
    void aHopOfASweepOrACheckAsksForTheCommitAndNothingElseDoes(ControlRecord kind) {
        MockProcessorContext<String, Object> context = context();
        new Emitter(context).send("key", new byte[0], kind.headers(), 0L);

        assertEquals(1, context.forwarded().size());
        boolean awaited = kind != ControlRecord.PING && kind != ControlRecord.MISSED_SLOT;
        assertEquals(awaited, context.committed(), kind + " committed");
    }

    @Test
    void aMovedEventAndTheRunsOwnRecordsWaitForTheCommitInterval() {
        MockProcessorContext<String, Object> context = context();
        Emitter emitter = new Emitter(context);
        emitter.send("run-1", new byte[0], new RecordHeaders(), 0L);
        emitter.toRuns("run-1", "a run", 0L);
        emitter.toFailures("run-1", "a failure", 0L);

        assertEquals(3, context.forwarded().size());
        assertFalse(context.committed());
    }

    @Test
    void aThreadAsksAtMostOncePerGapHoweverManyHopsItsTasksSend() {
        MockProcessorContext<String, Object> context = context();
        Emitter oneTask = new Emitter(context);
        Emitter anotherTask = new Emitter(context);
        long began = context.currentSystemTimeMs();
        oneTask.send("check-1", new byte[0], ControlRecord.START_CHECK_PART.headers(), 0L);
        assertTrue(context.committed());

        int asked = 0;
        for (long ms = 1; ms < Emitter.COMMIT_GAP_MS; ms++) {
            context.resetCommit();
            context.setCurrentSystemTimeMs(began + ms);
            (ms % 2 == 0 ? oneTask : anotherTask).send("check-" + ms, new byte[0], ControlRecord.START_CHECK_PART.headers(), 0L);
            asked += context.committed() ? 1 : 0;
        }
        assertEquals(0, asked, "asks within the gap");

        context.setCurrentSystemTimeMs(began + Emitter.COMMIT_GAP_MS);
        anotherTask.send("sweep-1", new byte[0], ControlRecord.SWEEP_PART.headers(), 0L);
        assertTrue(context.committed(), "the first hop after the gap asks again");
    }

    @Test
    void aClockSetBackDoesNotStopTheAsking() {
        MockProcessorContext<String, Object> context = context();
        Emitter emitter = new Emitter(context);
        emitter.send("sweep-1", new byte[0], ControlRecord.SWEEP_MARKER.headers(), 0L);
        context.resetCommit();
        context.setCurrentSystemTimeMs(context.currentSystemTimeMs() - 3_600_000);
        emitter.send("sweep-1", new byte[0], ControlRecord.SWEEP_PART.headers(), 0L);
        assertTrue(context.committed());
    }
}
