package io.runwarden.stream;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;
import io.runwarden.alerts.BatchDone;
import io.runwarden.alerts.RunOutcome;
import io.runwarden.kafka.EventPartitions;
import io.runwarden.kafka.Topics;
import io.runwarden.model.ControlChannel;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.Json;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends records to the topology's sinks. Every record gets fresh headers: the control header of a sweep marker
 * must not leak into the runs it fails.
 */
final class Emitter implements ControlChannel {
    static final String RUNS_SINK = Topics.SCRIPT_RUNS + "-sink";
    static final String FAILURES_SINK = Topics.SCRIPT_RUN_FAILURES + "-sink";
    static final String EVENTS_SINK = Topics.SCRIPT_EVENTS + "-sink";
    static final String OUTCOMES_SINK = "alert-outcomes-sink";

    /**
     * A stream thread's commit asks, as a token bucket: a burst of this many (a sweep's or a check's hops, which
     * follow one another on the same thread within milliseconds), then one per {@link #COMMIT_GAP_MS}. It counts
     * commits: the asks of one pass over the thread's tasks make one, and take one ask from the bucket.
     */
    static final int COMMIT_BURST = 8;
    /** Past the burst, one ask in this long: four times the rate of a task's pace under a light load (100 ms). */
    static final long COMMIT_GAP_MS = 25;
    /**
     * For each stream thread (all of its tasks commit at once, so they share one): when its bucket is full again, and
     * whether an ask since its tasks' last commit took one. The asks of one pass make one commit: only the first of
     * them takes from the bucket, so a tick's checks, answered by every partition, cost one ask a pass, not one each.
     */
    private static final ThreadLocal<Asks> ASKS = ThreadLocal.withInitial(Asks::new);

    private static final class Asks {
        long fullAt;
        boolean sinceCommit;
        /** When the first record sent ahead of its batch's last one since the tasks' last commit was sent; 0: none. */
        long aheadSince;
    }

    /**
     * The most JSON a record of outcomes gathers before another is started: one outcome is at most about 50 KB (a
     * run's message of 8,192 characters, each escaped), so a record stays well under a topic's default 1 MB.
     */
    static final int OUTCOMES_MAX_BYTES = 256 * 1024;

    private final ProcessorContext<String, Object> context;
    private final int outcomePartitions;

    /** @param outcomePartitions the partitions of the alert outcomes, by which runs' ends are gathered */
    Emitter(ProcessorContext<String, Object> context, int outcomePartitions) {
        this.context = context;
        this.outcomePartitions = outcomePartitions;
    }

    void toRuns(String runId, Object run, long timestamp) {
        context.forward(new Record<>(runId, run, timestamp, new RecordHeaders()), RUNS_SINK);
    }

    void toFailures(String runId, Object failure, long timestamp) {
        context.forward(new Record<>(runId, failure, timestamp, new RecordHeaders()), FAILURES_SINK);
    }

    /**
     * How runs ended, each to its script's partition of the alert outcomes, in the order given: one record a
     * partition (another past {@link #OUTCOMES_MAX_BYTES}), a JSON array keyed by its first outcome's script. A record
     * per run cost as much as the rest of a run's way (issue 15, B1).
     */
    void toOutcomes(List<RunOutcome> outcomes, long timestamp) {
        Map<Integer, OutcomeArray> open = new TreeMap<>();
        for (RunOutcome outcome : outcomes) {
            int partition = EventPartitions.of(outcome.scriptName(), outcomePartitions);
            OutcomeArray array = open.computeIfAbsent(partition, p -> new OutcomeArray(outcome.scriptName()));
            if (array.add(outcome) >= OUTCOMES_MAX_BYTES) {
                array.send(timestamp);
                open.remove(partition);
            }
        }
        open.values().forEach(array -> array.send(timestamp));
    }

    /** Outcomes of one partition of the alert outcomes, written as one JSON array by one writer. */
    private final class OutcomeArray {
        private static final ObjectWriter WRITER = Json.MAPPER.writerFor(RunOutcome.class);

        private final String key;
        private final ByteArrayOutputStream json = new ByteArrayOutputStream();
        private final SequenceWriter writer;

        OutcomeArray(String key) {
            this.key = key;
            try {
                writer = WRITER.writeValuesAsArray(json);
            } catch (IOException e) {
                throw failed(e);
            }
        }

        /** @return the size of the array so far, in bytes */
        int add(RunOutcome outcome) {
            try {
                writer.write(outcome).flush();
            } catch (IOException e) {
                throw failed(e);
            }
            return json.size();
        }

        void send(long timestamp) {
            try {
                writer.close();
            } catch (IOException e) {
                throw failed(e);
            }
            context.forward(new Record<>(key, json.toByteArray(), timestamp, new RecordHeaders()), OUTCOMES_SINK);
        }

        /** Not the record's fault: it fails the task, whose transaction is aborted, rather than being dead-lettered. */
        private static StreamsException failed(IOException e) {
            return new StreamsException("writing runs' outcomes failed", e);
        }
    }

    /** This partition is done with a batch: to every partition of the alert outcomes, behind its outcomes. */
    void batchDone(String batchId, int partition, long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(BatchDone.HEADER, new byte[0]);
        context.forward(new Record<>(batchId, new BatchDone(batchId, partition), timestamp, headers), OUTCOMES_SINK);
    }

    /**
     * Back to {@code script-events}, with a copy of {@code headers}. A step of a sweep or a check that another
     * partition waits for asks for its transaction to be committed now, not at the next commit interval; within
     * the thread's bucket of asks, so that records written from outside to set such steps off, however many, cannot
     * make it commit after each of them.
     */
    @Override
    public void send(String key, Object value, Headers headers, long timestamp) {
        forward(key, value, headers, timestamp);
        if (ControlRecord.known(headers).filter(ControlRecord::awaited).isPresent()) {
            Asks asks = ASKS.get();
            if (asks.sinceCommit || takeAsk(asks, context.currentSystemTimeMs())) {
                asks.sinceCommit = true;
                context.commit();
            }
        }
    }

    @Override
    public void sendAhead(String key, Object value, Headers headers, long timestamp) {
        forward(key, value, headers, timestamp);
        Asks asks = ASKS.get();
        if (asks.aheadSince == 0) {
            asks.aheadSince = Math.max(1, context.currentSystemTimeMs());
        }
    }

    private void forward(String key, Object value, Headers headers, long timestamp) {
        // Kafka Streams serializes a record for each partition it goes to: a broadcast one (a check of 10,000 slots,
        // 250 KB) once here instead of six times, a tenth of a check's time (issue 15, B6)
        Object sent = value == null || value instanceof byte[]
                || ControlRecord.known(headers).filter(ControlRecord::broadcast).isEmpty() ? value : broadcastBytes(value);
        context.forward(new Record<>(key, sent, timestamp, new RecordHeaders(headers.toArray())), EVENTS_SINK);
    }

    /** As the sink would write it: a failure fails the task, as the sink's does, rather than dead-letter a record. */
    private static byte[] broadcastBytes(Object value) {
        try {
            return Json.bytes(value);
        } catch (RuntimeException e) {
            throw new StreamsException("a control record could not be written as JSON", e);
        }
    }

    /** The thread's tasks are being committed: the next ask takes from the bucket again. */
    static void committing() {
        ASKS.get().sinceCommit = false;
        ASKS.get().aheadSince = 0;
    }

    /**
     * Whether this stream thread sent a record ahead of its batch's last one since its tasks' last commit, less than a
     * pace's window before {@code now}: that one asks for the commit, and a task's pace asking meanwhile would commit
     * the thread between the batch's records. Past the window (the last is another thread's, or never came), the
     * paces ask again.
     */
    static boolean sentAhead(long now) {
        long since = ASKS.get().aheadSince;
        return since != 0 && now >= since && now - since < CommitPace.WINDOW_MS;
    }

    /** Takes an ask from this stream thread's bucket, if one is left at {@code now}. */
    private static boolean takeAsk(Asks asks, long now) {
        if (asks.fullAt < now) {
            asks.fullAt = now;
        } else if (asks.fullAt - now > COMMIT_BURST * COMMIT_GAP_MS) {
            // further ahead than a whole bucket: the clock went back. One ask, as if the bucket had just one left
            asks.fullAt = now + (COMMIT_BURST - 1) * COMMIT_GAP_MS;
        }
        if (asks.fullAt - now > (COMMIT_BURST - 1) * COMMIT_GAP_MS) {
            return false;
        }
        asks.fullAt += COMMIT_GAP_MS;
        return true;
    }
}
