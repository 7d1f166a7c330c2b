package io.runwarden.stream;

import io.runwarden.model.ControlRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sweep or a check waits for each of its hops to be committed before the next partition reads it: what runwarden
 * sends on for one asks for the commit at once, anything else waits for the commit interval, and however many hops
 * records from outside set off, a stream thread asks no more than a burst of {@link Emitter#COMMIT_BURST}, then once
 * per {@link Emitter#COMMIT_GAP_MS}. A thread's bucket is shared by its tasks, so each test runs on a thread of its own.
 */
class EmitterTest {
    private static final long NOW = 1_000_000_000_000L;

    /** A task of the thread: its own context, as Kafka Streams gives each task one. */
    private static MockProcessorContext<String, Object> task() {
        MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(NOW);
        return context;
    }

    private static void onAThreadOfItsOwn(Runnable test) throws InterruptedException {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                test.run();
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        thread.start();
        thread.join();
        if (failed.get() instanceof Error error) {
            throw error;
        } else if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
    }

    /**
     * Sends a hop from the task, in a pass of the thread of its own (the thread commits after it if it asked), and
     * tells whether it asked for a commit.
     */
    private static boolean asked(MockProcessorContext<String, Object> task, long at, ControlRecord hop) {
        task.resetCommit();
        task.setCurrentSystemTimeMs(at);
        new Emitter(task, 1).send("sweep-1", new byte[0], hop.headers(), 0L);
        if (task.committed()) {
            Emitter.committing();
        }
        return task.committed();
    }

    private static void spendTheBurst(MockProcessorContext<String, Object> task, ControlRecord hop) {
        for (int ask = 0; ask < Emitter.COMMIT_BURST; ask++) {
            asked(task, NOW, hop);
        }
    }

    @ParameterizedTest
    @EnumSource(ControlRecord.class)
    void aHopOfASweepOrACheckAsksForTheCommitAndNothingElseDoes(ControlRecord kind) throws InterruptedException {
        onAThreadOfItsOwn(() -> {
            MockProcessorContext<String, Object> context = task();
            new Emitter(context, 1).send("key", new byte[0], kind.headers(), 0L);

            assertEquals(1, context.forwarded().size());
            // a sweep's end only lets its runs be written, which the task's next commit does as well
            boolean awaited = kind != ControlRecord.PING && kind != ControlRecord.MISSED_SLOT && kind != ControlRecord.SWEEP_DONE;
            assertEquals(awaited, context.committed(), kind + " committed");
        });
    }

    @Test
    void aMovedEventAndTheRunsOwnRecordsWaitForTheCommitInterval() throws InterruptedException {
        onAThreadOfItsOwn(() -> {
            MockProcessorContext<String, Object> context = task();
            Emitter emitter = new Emitter(context, 1);
            emitter.send("run-1", new byte[0], new RecordHeaders(), 0L);
            emitter.toRuns("run-1", "a run", 0L);
            emitter.toFailures("run-1", "a failure", 0L);

            assertEquals(3, context.forwarded().size());
            assertFalse(context.committed());
        });
    }

    @Test
    void theHopsOfOneSweepFollowingEachOtherOnAThreadEachAskForTheirCommit() throws InterruptedException {
        onAThreadOfItsOwn(() -> {
            List<MockProcessorContext<String, Object>> tasks = List.of(task(), task());
            ControlRecord[] hops = {ControlRecord.SWEEP_MARKER, ControlRecord.SWEEP_CONTINUE, ControlRecord.SWEEP_PART};
            for (int i = 0; i < hops.length; i++) {
                assertTrue(asked(tasks.get(i % 2), NOW + 2L * i, hops[i]), hops[i] + " " + 2 * i + " ms after the first hop");
            }
        });
    }

    /**
     * A tick's checks, answered by every partition of the thread in one pass: the answers' asks make one commit, and
     * take one ask from the bucket, so that the answers of the next pass are committed at once too.
     */
    @Test
    void theHopsOfOnePassAllAskAndTakeOneAskFromTheBucket() throws InterruptedException {
        onAThreadOfItsOwn(() -> {
            List<MockProcessorContext<String, Object>> tasks = List.of(task(), task(), task());
            for (int hop = 0; hop < 60; hop++) {
                MockProcessorContext<String, Object> task = tasks.get(hop % 3);
                task.resetCommit();
                new Emitter(task, 1).send("check-1", new byte[0], ControlRecord.START_CHECK_PART.headers(), 0L);
                assertTrue(task.committed(), "hop " + hop + " of the pass");
            }
            Emitter.committing();

            for (int pass = 1; pass < Emitter.COMMIT_BURST; pass++) {
                assertTrue(asked(tasks.get(pass % 3), NOW, ControlRecord.START_CHECK_PART), "pass " + pass);
            }
            assertFalse(asked(tasks.get(0), NOW, ControlRecord.START_CHECK_PART), "the burst is spent, an ask a pass");
        });
    }

    /**
     * A check's answer with more of its tick behind it asks for nothing, and holds the paces of the thread's tasks back
     * until the tasks commit (the last answer asks), at most a pace's window: a pace that asked between the answers
     * made the thread commit there.
     */
    @Test
    void aHopSentAheadOfItsBatchsLastAsksNothingAndHoldsThePaceBackUntilTheCommit() throws InterruptedException {
        onAThreadOfItsOwn(() -> {
            MockProcessorContext<String, Object> answering = task();
            MockProcessorContext<String, Object> other = task();
            CommitPace pace = lightWindowEndingAt(NOW);

            new Emitter(answering, 1).sendAhead("check-1", new byte[0], ControlRecord.START_CHECK_PART.headers(), 0L);
            assertEquals(1, answering.forwarded().size());
            assertFalse(answering.committed(), "sent ahead of the tick's last answer");
            pace.commitIfDue(other, NOW);
            assertFalse(other.committed(), "another task's light window ended while the answers went on");

            assertTrue(asked(answering, NOW + 10, ControlRecord.START_CHECK_PART), "the last answer asks");
            pace.commitIfDue(other, NOW + 10);
            assertTrue(other.committed(), "committed since: the pace asks again");
        });
    }

    @Test
    void aBatchWhoseLastNeverComesHoldsThePaceBackForAWindowAtMost() throws InterruptedException {
        onAThreadOfItsOwn(() -> {
            MockProcessorContext<String, Object> answering = task();
            MockProcessorContext<String, Object> other = task();
            CommitPace pace = lightWindowEndingAt(NOW);

            new Emitter(answering, 1).sendAhead("check-1", new byte[0], ControlRecord.CHECK_DONE.headers(), 0L);
            pace.commitIfDue(other, NOW + CommitPace.WINDOW_MS - 1);
            assertFalse(other.committed());
            pace.commitIfDue(other, NOW + CommitPace.WINDOW_MS);
            assertTrue(other.committed(), "a window after the record sent ahead");
        });
    }

    /** A task's pace whose light window, with a record in it, ends at {@code end}. */
    private static CommitPace lightWindowEndingAt(long end) {
        CommitPace pace = new CommitPace();
        pace.askNow(end - CommitPace.WINDOW_MS);
        pace.processed();
        return pace;
    }

    @Test
    void aFloodOfHopsOverTheThreadsTasksGetsABurstOfAsksThenOnePerGap() throws InterruptedException {
        onAThreadOfItsOwn(() -> {
            List<MockProcessorContext<String, Object>> tasks = List.of(task(), task(), task());
            long floodMs = 100 * Emitter.COMMIT_GAP_MS;
            int asks = 0;
            for (long ms = 0; ms < floodMs; ms++) {
                for (int record = 0; record < 9; record++) {
                    asks += asked(tasks.get(record % 3), NOW + ms, ControlRecord.START_CHECK_PART) ? 1 : 0;
                }
            }
            assertEquals(Emitter.COMMIT_BURST + floodMs / Emitter.COMMIT_GAP_MS - 1, asks,
                    "asks in " + floodMs + " ms of nine hops a millisecond over three tasks");

            long quiet = NOW + floodMs + Emitter.COMMIT_BURST * Emitter.COMMIT_GAP_MS;
            for (int hop = 0; hop < Emitter.COMMIT_BURST; hop++) {
                assertTrue(asked(tasks.get(hop % 3), quiet, ControlRecord.SWEEP_PART), "hop " + hop + " of a burst once the flood has stopped");
            }
        });
    }

    @Test
    void eachStreamThreadHasABucketOfItsOwn() throws InterruptedException {
        onAThreadOfItsOwn(() -> {
            MockProcessorContext<String, Object> busy = task();
            spendTheBurst(busy, ControlRecord.SWEEP_PART);
            assertFalse(asked(busy, NOW, ControlRecord.SWEEP_PART), "this thread's bucket is spent");
            try {
                onAThreadOfItsOwn(() -> {
                    MockProcessorContext<String, Object> other = task();
                    for (int hop = 0; hop < Emitter.COMMIT_BURST; hop++) {
                        assertTrue(asked(other, NOW, ControlRecord.SWEEP_PART), "hop " + hop + " on another thread");
                    }
                });
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aClockSetBackDoesNotStopTheAskingNorRefillTheBucket() throws InterruptedException {
        onAThreadOfItsOwn(() -> {
            MockProcessorContext<String, Object> context = task();
            spendTheBurst(context, ControlRecord.SWEEP_MARKER);
            long setBack = NOW - 3_600_000;
            assertTrue(asked(context, setBack, ControlRecord.SWEEP_PART), "the first hop after the clock went back");
            assertFalse(asked(context, setBack, ControlRecord.SWEEP_PART), "the second at the same time");
        });
    }
}
