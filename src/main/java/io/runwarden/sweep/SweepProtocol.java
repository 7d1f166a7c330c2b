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
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The sweep protocol, run in-band on {@code script-events} by each partition's task: a request, handled on the
 * sweep's home partition, broadcasts a marker to every partition; each partition decides which of its runs the sweep
 * fails, reports that part back home at once, and writes those runs a few at a time between the records it applies (a
 * run that something touches first is failed there and then); the home partition completes the sweep when every part
 * is in. Each record travels behind the events already in its partition, so an end event waiting in a backlog is
 * never overtaken by a sweep.
 */
public final class SweepProtocol {
    /**
     * The most deadline entries a partition reads to decide a sweep in one transaction (about a µs each, read from the
     * index alone). A partition with more due runs writes them first and answers after, as every sweep once did.
     */
    public static final int DECIDE_MOST = 100_000;
    /**
     * How long a partition writes its sweeps' runs at a time, in chunks of {@link #WRITE_CHUNK}, before it applies
     * records again: the parts of a sweep on its way home wait for no more than this.
     */
    static final Duration WRITE_STEP = Duration.ofMillis(10);
    public static final int WRITE_CHUNK = 250;
    /**
     * How long a decided sweep's runs wait for the sweep to answer before they are written anyway: a marker forged
     * into {@code script-events} decides a sweep that never answers, and must not hold up every sweep after it.
     */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(2);
    /** How long a sweep is kept after it was requested, for its result to be read. */
    public static final Duration KEPT = Duration.ofDays(7);
    /** The script of each sweep's own audit run. */
    public static final String AUDIT_SCRIPT = "cleanupStaleScripts";

    /** The runs of the partition a record of the protocol arrived on. */
    public interface PartitionRuns {
        /** Applies an event of a sweep's audit run, as any event is applied, and writes the run before the answer. */
        void apply(LifecycleEvent event, long timestamp);

        /** Whether the partition can tell which runs are due (its indexes are complete); drives a rebuild on. */
        boolean readyToAnswer();

        /**
         * The runs a sweep fails here, due after {@code after} (null: any) and by its asOf, not failed yet; null when
         * deciding would read {@code limit} entries or more.
         */
        SweepPart decide(SweepRequest sweep, Instant after, int partition, int limit);

        /** Runs reported from now on, due by {@code until}, are the next sweep's (null: none is held). */
        void holdDue(Instant until);

        /**
         * Fails up to {@code limit} runs due as of the sweep's asOf, earliest deadline first; null while the
         * partition cannot tell which runs are due (its indexes are being rebuilt).
         */
        SweepPart failDue(SweepRequest sweep, int partition, long timestamp, int limit);

        /** Every run of this partition that the sweep fails is failed: tells the alerts. */
        void batchDone(String sweepId, int partition, long timestamp);
    }

    private final PartitionRuns runs;
    private final SweepBacklog backlog;
    private final ControlChannel channel;
    private final int partitions;
    private final ControlValues values;
    private final SweepCoordinator coordinator;
    private final Supplier<Instant> clock;

    /**
     * @param defaultMaxRuntime what a result's {@code thresholdDate} is computed with
     * @param clock             this instance's wall clock
     */
    public SweepProtocol(KeyValueStore<String, SweepProgress> sweeps, PartitionRuns runs, SweepBacklog backlog,
                         ControlChannel channel, int partitions, Duration defaultMaxRuntime, RunwardenMeters meters,
                         Supplier<Instant> clock) {
        this.runs = runs;
        this.backlog = backlog;
        this.channel = channel;
        this.partitions = partitions;
        this.clock = clock;
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
                decide(marker, SweepPart.none(marker.sweepId(), partition), partition, timestamp);
            }
            case SWEEP_CONTINUE -> {
                SweepContinuation rest = values.continuation(record, partition);
                decide(rest.request(), rest.soFar(), partition, timestamp);
            }
            case SWEEP_PART -> coordinator.collect(values.part(record), timestamp);
            case SWEEP_DONE -> backlog.answered(values.marker(record).sweepId());
        }
    }

    /** Forgets up to {@code limit} sweeps requested before {@code cutoff}. @return how many */
    public int prune(Instant cutoff, int limit) {
        return coordinator.prune(cutoff, limit);
    }

    /**
     * Takes a sweep on: decides which runs it fails here and sends that part home at once, the runs to be written
     * behind it ({@link #writeSome}). Waits, by a continuation, while the indexes are rebuilt; with more due runs than a
     * transaction should read, the part goes home once they are written.
     */
    private void decide(SweepRequest request, SweepPart soFar, int partition, long timestamp) {
        Optional<SweepBacklog.Entry> taken = backlog.find(request);
        if (taken.isPresent()) {
            // a marker seen twice takes the sweep on once, and a decided part goes home again: the first may have been
            // a marker forged under the id of a sweep not yet started, whose home dropped a part it did not expect
            if (taken.get().decided()) {
                channel.send(request.sweepId(), taken.get().soFar(), ControlRecord.SWEEP_PART.headers(), timestamp);
            }
            return;
        }
        if (!runs.readyToAnswer()) {
            Headers headers = ControlRecord.SWEEP_CONTINUE.headers();
            headers.add(ControlRecord.PARTITION, String.valueOf(partition).getBytes(StandardCharsets.UTF_8));
            channel.send(request.sweepId(), Json.bytes(new SweepContinuation(request, soFar)), headers, timestamp);
            return;
        }
        SweepPart decided = runs.decide(request, backlog.coveredUntil(), partition, DECIDE_MOST);
        if (decided == null) {
            backlog.add(request, false, soFar, clock.get().toEpochMilli());
            return;
        }
        SweepPart part = soFar.plus(decided, SweepPart.LISTED_BYTES / partitions);
        backlog.add(request, true, part, clock.get().toEpochMilli());
        runs.holdDue(backlog.decidedUntil());
        channel.send(part.sweepId(), part, ControlRecord.SWEEP_PART.headers(), timestamp);
    }

    /**
     * Writes the runs of the sweeps taken on, oldest first, for about {@link #WRITE_STEP}: called between the records
     * the partition applies. Each transaction then holds what a commit interval wrote, however many runs are due.
     * @return whether every run of a sweep was written, which someone may be waiting to read
     */
    public boolean writeSome(int partition, long timestamp) {
        long until = System.nanoTime() + WRITE_STEP.toNanos();
        boolean finished = false;
        while (!backlog.isEmpty() && System.nanoTime() - until < 0) {
            SweepBacklog.Entry oldest = backlog.oldest().orElseThrow();
            if (oldest.decided() && !oldest.answered() && timestamp - oldest.takenAt() < ANSWER_WAIT.toMillis()
                    && timestamp >= oldest.takenAt()) {
                return finished; // written once the sweep has answered: the writes would hold its parts up
            }
            SweepPart chunk = runs.failDue(oldest.request(), partition, timestamp, WRITE_CHUNK);
            if (chunk == null) {
                return finished; // the indexes are being rebuilt: on again once they are
            }
            SweepPart part = oldest.decided() ? oldest.soFar()
                    : oldest.soFar().plus(chunk, SweepPart.LISTED_BYTES / partitions);
            if (chunk.entriesExamined() == WRITE_CHUNK) {
                if (!oldest.decided()) {
                    backlog.progressed(part);
                }
                continue;
            }
            if (!oldest.decided()) {
                channel.send(part.sweepId(), part, ControlRecord.SWEEP_PART.headers(), timestamp);
            }
            runs.batchDone(oldest.request().sweepId(), partition, timestamp);
            backlog.written();
            runs.holdDue(backlog.decidedUntil());
            finished = true;
        }
        return finished;
    }
}
