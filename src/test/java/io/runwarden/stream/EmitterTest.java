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
 * records from outside set off, a stream thread asks no more than a burst of {@link Emitter#COMMIT_BURST}, then once
 * per {@link Emitter#COMMIT_GAP_MS}.
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
    void theHopsOfOneSweepFollowingEachOtherOnAThreadEachAskForTheirCommit() {
        MockProcessorContext<String, Object> context = context();
        Emitter home = new Emitter(context);
        Emitter other = new Emitter(context);
        long began = context.currentSystemTimeMs();
        ControlRecord[] hops = {ControlRecord.SWEEP_MARKER, ControlRecord.SWEEP_CONTINUE, ControlRecord.SWEEP_PART};
        for (int i = 0; i < hops.length; i++) {
            context.resetCommit();
            context.setCurrentSystemTimeMs(began + 2L * i);
            (i % 2 == 0 ? home : other).send("sweep-1", new byte[0], hops[i].headers(), 0L);
            assertTrue(context.committed(), hops[i] + " " + 2 * i + " ms after the first hop asked");
        }
    }

    @Test
    void aFloodOfHopsGetsABurstOfAsksThenOnePerGap() {
        MockProcessorContext<String, Object> context = context();
        Emitter oneTask = new Emitter(context);
        Emitter anotherTask = new Emitter(context);
        long began = context.currentSystemTimeMs();
        int asked = 0;
        long floodMs = 100 * Emitter.COMMIT_GAP_MS;
        for (long ms = 0; ms < floodMs; ms++) {
            for (int record = 0; record < 10; record++) {
                context.resetCommit();
                context.setCurrentSystemTimeMs(began + ms);
                (record % 2 == 0 ? oneTask : anotherTask).send("check-" + ms, new byte[0],
                        ControlRecord.START_CHECK_PART.headers(), 0L);
                asked += context.committed() ? 1 : 0;
            }
        }
        assertEquals(Emitter.COMMIT_BURST + floodMs / Emitter.COMMIT_GAP_MS - 1, asked,
                "asks in " + floodMs + " ms of ten hops a millisecond");

        context.resetCommit();
        context.setCurrentSystemTimeMs(began + floodMs + Emitter.COMMIT_BURST * Emitter.COMMIT_GAP_MS);
        for (int hop = 0; hop < Emitter.COMMIT_BURST; hop++) {
            context.resetCommit();
            oneTask.send("sweep-1", new byte[0], ControlRecord.SWEEP_PART.headers(), 0L);
            assertTrue(context.committed(), "hop " + hop + " of a burst once the flood has stopped");
        }
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
