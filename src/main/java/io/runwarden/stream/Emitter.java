package io.runwarden.stream;

import io.runwarden.alerts.BatchDone;
import io.runwarden.alerts.RunOutcome;
import io.runwarden.kafka.Topics;
import io.runwarden.model.ControlChannel;
import io.runwarden.model.ControlRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sends records to the topology's sinks. Every record gets fresh headers: the control header of a sweep marker
 * must not leak into the runs it fails.
 */
final class Emitter implements ControlChannel {
    static final String RUNS_SINK = Topics.SCRIPT_RUNS + "-sink";
    static final String FAILURES_SINK = Topics.SCRIPT_RUN_FAILURES + "-sink";
    static final String EVENTS_SINK = Topics.SCRIPT_EVENTS + "-sink";
    static final String OUTCOMES_SINK = "alert-outcomes-sink";

    /** At most one commit asked for in this long on a stream thread: four times the 100 ms commit interval's rate. */
    static final long COMMIT_GAP_MS = 25;
    /** When a task of this stream thread last asked for a commit. */
    private static final ThreadLocal<long[]> COMMIT_ASKED =
            ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE / 2});

    private final ProcessorContext<String, Object> context;

    Emitter(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    void toRuns(String runId, Object run, long timestamp) {
        context.forward(new Record<>(runId, run, timestamp, new RecordHeaders()), RUNS_SINK);
    }

    void toFailures(String runId, Object failure, long timestamp) {
        context.forward(new Record<>(runId, failure, timestamp, new RecordHeaders()), FAILURES_SINK);
    }

    /** How a run ended, to its script's partition of the alert outcomes. */
    void toOutcomes(RunOutcome outcome, long timestamp) {
        context.forward(new Record<>(outcome.scriptName(), outcome, timestamp, new RecordHeaders()), OUTCOMES_SINK);
    }

    /** This partition is done with a batch: to every partition of the alert outcomes, behind its outcomes. */
    void batchDone(String batchId, int partition, long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(BatchDone.HEADER, new byte[0]);
        context.forward(new Record<>(batchId, new BatchDone(batchId, partition), timestamp, headers), OUTCOMES_SINK);
    }

    /**
     * Back to {@code script-events}, with a copy of {@code headers}. A step of a sweep or a check that another
     * partition waits for asks for its transaction to be committed now, not at the next commit interval; at most once
     * per {@link #COMMIT_GAP_MS} on a stream thread (which commits all its tasks at once), so that records written from
     * outside to set such steps off, however many, cannot make it commit after each of them.
     */
    @Override
    public void send(String key, Object value, Headers headers, long timestamp) {
        context.forward(new Record<>(key, value, timestamp, new RecordHeaders(headers.toArray())), EVENTS_SINK);
        if (ControlRecord.known(headers).filter(ControlRecord::awaited).isPresent()) {
            long now = context.currentSystemTimeMs();
            long[] lastAsked = COMMIT_ASKED.get();
            // or the clock went back
            if (now - lastAsked[0] >= COMMIT_GAP_MS || now < lastAsked[0]) {
                lastAsked[0] = now;
                context.commit();
            }
        }
    }
}
