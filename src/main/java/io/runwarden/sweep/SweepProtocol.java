package io.runwarden.sweep;

import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.ControlChannel;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.Json;
import io.runwarden.model.LifecycleEvent;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The sweep protocol, run in-band on {@code script-events} by each partition's task: a request, handled on the
 * sweep's home partition, broadcasts a marker to every partition; each partition fails its due runs in chunks (a
 * continuation carries the rest behind whatever arrived meanwhile) and reports its part back home; the home
 * partition completes the sweep when every part is in. Each record travels behind the events already in its
 * partition, so an end event waiting in a backlog is never overtaken by a sweep.
 */
public final class SweepProtocol {
    /** Due runs failed per transaction; far below what fits in Streams' 10 s transaction timeout. */
    public static final int CHUNK = 1_000;
    /** How long a sweep is kept after it was requested, for its result to be read. */
    public static final Duration KEPT = Duration.ofDays(7);
    /** The script of each sweep's own audit run. */
    public static final String AUDIT_SCRIPT = "cleanupStaleScripts";

    /** The runs of the partition a record of the protocol arrived on. */
    public interface PartitionRuns {
        /** Applies an event of a sweep's audit run, as any event is applied, and writes the run before the answer. */
        void apply(LifecycleEvent event, long timestamp);

        /**
         * Fails up to {@code limit} runs due as of the sweep's asOf, earliest deadline first; null while the
         * partition cannot tell which runs are due (its indexes are being rebuilt).
         */
        SweepPart failDue(SweepRequest sweep, int partition, long timestamp, int limit);

        /** Every run of this partition that the sweep fails is failed: tells the alerts. */
        void batchDone(String sweepId, int partition, long timestamp);
    }

    private final PartitionRuns runs;
    private final ControlChannel channel;
    private final int partitions;
    private final ControlValues values;
    private final SweepCoordinator coordinator;

    /**
     * @param defaultMaxRuntime what a result's {@code thresholdDate} is computed with
     * @param clock             this instance's wall clock
     */
    public SweepProtocol(KeyValueStore<String, SweepProgress> sweeps, PartitionRuns runs, ControlChannel channel,
                         int partitions, Duration defaultMaxRuntime, RunwardenMeters meters, Supplier<Instant> clock) {
        this.runs = runs;
        this.channel = channel;
        this.partitions = partitions;
        this.values = new ControlValues(partitions, clock);
        this.coordinator = new SweepCoordinator(sweeps, runs, channel, partitions, defaultMaxRuntime, meters, clock);
    }

    /** Checks a sweep request where it landed (a bad one is dead-lettered there), before it may be moved home. */
    public void checkRequest(Record<String, byte[]> record) {
        values.request(record);
    }

    /** A record of the protocol, on the partition it belongs to. */
    public void handle(ControlRecord kind, Record<String, byte[]> record, int partition) {
        long timestamp = record.timestamp();
        switch (kind) {
            case SWEEP_REQUEST -> coordinator.launch(values.request(record), timestamp);
            case SWEEP_MARKER -> {
                SweepRequest marker = values.marker(record);
                sweepPartition(marker, SweepPart.none(marker.sweepId(), partition), partition, timestamp);
            }
            case SWEEP_CONTINUE -> {
                SweepContinuation rest = values.continuation(record, partition);
                sweepPartition(rest.request(), rest.soFar(), partition, timestamp);
            }
            case SWEEP_PART -> coordinator.collect(values.part(record), timestamp);
        }
    }

    /** Forgets up to {@code limit} sweeps requested before {@code cutoff}. @return how many */
    public int prune(Instant cutoff, int limit) {
        return coordinator.prune(cutoff, limit);
    }

    /**
     * Fails the next chunk of this partition's due runs. A chunk keeps each transaction short however many runs are
     * due; the rest continues behind whatever arrived meanwhile, and the part goes home when nothing is left.
     */
    private void sweepPartition(SweepRequest request, SweepPart soFar, int partition, long timestamp) {
        SweepPart chunk = runs.failDue(request, partition, timestamp, CHUNK);
        SweepPart part = chunk == null ? soFar : soFar.plus(chunk, SweepPart.LISTED_BYTES / partitions);
        if (chunk == null || chunk.entriesExamined() == CHUNK) {
            Headers headers = ControlRecord.SWEEP_CONTINUE.headers();
            headers.add(ControlRecord.PARTITION, String.valueOf(partition).getBytes(StandardCharsets.UTF_8));
            channel.send(request.sweepId(), Json.bytes(new SweepContinuation(request, part)), headers, timestamp);
        } else {
            channel.send(part.sweepId(), part, ControlRecord.SWEEP_PART.headers(), timestamp);
            runs.batchDone(part.sweepId(), partition, timestamp);
        }
    }
}
