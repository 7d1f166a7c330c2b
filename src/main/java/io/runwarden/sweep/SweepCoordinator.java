package io.runwarden.sweep;

import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.ControlChannel;
import io.runwarden.model.ControlRecord;

import io.runwarden.model.Bounds;
import io.runwarden.model.EventType;
import io.runwarden.model.LifecycleEvent;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The home partition's side of the sweep protocol: starts a sweep, broadcasts its marker, collects the parts and
 * completes the sweep when all are in. Each sweep is also a run of {@code cleanupStaleScripts}, the audit trail, kept on the
 * home partition itself (the audit run's id is the sweep's), so that it is recorded before the result can be read.
 */
final class SweepCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(SweepCoordinator.class);

    private final KeyValueStore<String, SweepProgress> sweeps;
    private final SweepProtocol.PartitionRuns runs;
    private final ControlChannel channel;
    private final int partitions;
    private final Duration defaultMaxRuntime;
    private final RunwardenMeters meters;
    private final Supplier<Instant> clock;

    SweepCoordinator(KeyValueStore<String, SweepProgress> sweeps, SweepProtocol.PartitionRuns runs,
                     ControlChannel channel, int partitions, Duration defaultMaxRuntime, RunwardenMeters meters,
                     Supplier<Instant> clock) {
        this.sweeps = sweeps;
        this.runs = runs;
        this.channel = channel;
        this.partitions = partitions;
        this.defaultMaxRuntime = defaultMaxRuntime;
        this.meters = meters;
        this.clock = clock;
    }

    void launch(SweepRequest request, long timestamp) {
        if (sweeps.get(request.sweepId()) != null) {
            return; // a request seen twice starts one sweep
        }
        sweeps.put(request.sweepId(), SweepProgress.started(request, partitions));
        audit(new LifecycleEvent(request.auditRunId(), SweepProtocol.AUDIT_SCRIPT, EventType.STARTED, request.asOf(),
                "Cleanup of stale scripts started (" + trigger(request) + ")", null), timestamp);
        channel.send(request.sweepId(), request, ControlRecord.SWEEP_MARKER.headers(), timestamp);
    }

    /** The audit run ends, on the wall clock, when the last part arrives. */
    void collect(SweepPart part, long timestamp) {
        Instant now = clock.get();
        SweepProgress progress = sweeps.get(part.sweepId());
        if (progress == null || progress.complete() || progress.parts().containsKey(part.partition())) {
            return; // a part seen twice counts once
        }
        Map<Integer, SweepPart> parts = new TreeMap<>(progress.parts());
        parts.put(part.partition(), part);
        SweepResult result = parts.size() < progress.expectedParts() ? null : result(progress.request(), parts, now);
        if (result != null) {
            SweepRequest request = progress.request();
            String summary = "Cleanup completed: " + result.totalLogsUpdated() + " stale script run(s) marked as failed"
                    + " across " + result.scriptsAffected() + " script(s)";
            // asOf is the moment the sweep was requested (by the scheduler or over HTTP), so this is its whole run
            long millis = Duration.between(request.asOf(), now).toMillis();
            LOG.atInfo().addKeyValue("sweepId", request.sweepId()).addKeyValue("trigger", request.trigger().wireName())
                    .addKeyValue("runsFailed", result.totalLogsUpdated()).addKeyValue("scriptsAffected", result.scriptsAffected())
                    .addKeyValue("durationMs", millis)
                    .log("sweep {} ({}) completed in {} ms: {} run(s) marked as failed across {} script(s) {}",
                            request.sweepId(), trigger(request), millis, result.totalLogsUpdated(), result.scriptsAffected(),
                            listed(result.scriptNames()));
            meters.sweepCompleted(request.trigger(), result.totalLogsUpdated(), Duration.ofMillis(millis));
            audit(new LifecycleEvent(request.auditRunId(), SweepProtocol.AUDIT_SCRIPT, EventType.SUCCEEDED, now, summary, null), timestamp);
            channel.send(request.sweepId(), request, ControlRecord.SWEEP_DONE.headers(), timestamp);
        }
        // the result last: whoever reads it finds the audit run already ended
        sweeps.put(part.sweepId(), new SweepProgress(progress.request(), progress.expectedParts(), parts, result));
    }

    /** The audit run's events are applied here, as any event is: before the result can be read. */
    private void audit(LifecycleEvent event, long timestamp) {
        runs.apply(event, timestamp);
    }

    /** Forgets up to {@code limit} sweeps requested before {@code cutoff}. @return how many */
    int prune(Instant cutoff, int limit) {
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, SweepProgress> it = sweeps.all()) {
            while (it.hasNext() && old.size() < limit) {
                KeyValue<String, SweepProgress> entry = it.next();
                if (entry.value.request().asOf().isBefore(cutoff)) {
                    old.add(entry.key);
                }
            }
        }
        old.forEach(sweeps::delete);
        return old.size();
    }

    /** The script names for a log line: all of them while they fit in 256 characters, then how many there were. */
    private static String listed(List<String> names) {
        String all = names.toString();
        return all.length() <= Bounds.MAX_QUOTE_CHARS ? all
                : all.substring(0, Bounds.MAX_QUOTE_CHARS) + "… (" + names.size() + " scripts)";
    }

    private static String trigger(SweepRequest request) {
        return request.job() == null ? request.trigger().wireName() : request.trigger().wireName() + " by " + request.job();
    }

    private SweepResult result(SweepRequest request, Map<Integer, SweepPart> parts, Instant now) {
        TreeSet<String> scripts = new TreeSet<>();
        long failed = 0; // parts count at most SweepPart.MOST_COUNTED each: summed in a long, they cannot wrap
        long examined = 0;
        boolean cut = false;
        for (SweepPart part : parts.values()) {
            scripts.addAll(part.scriptNames());
            failed += part.failed();
            examined += part.entriesExamined();
            cut |= part.scriptNamesCut();
        }
        List<String> listed = Bounds.namesWithin(scripts, SweepResult.LISTED_BYTES);
        return new SweepResult(request.sweepId(), request.trigger(), request.job(), request.asOf(),
                SweepResult.thresholdDate(request.asOf(), defaultMaxRuntime), atMostInt(failed), scripts.size(), listed,
                parts.size(), atMostInt(examined), now, cut || listed.size() < scripts.size());
    }

    private static int atMostInt(long count) {
        return (int) Math.min(count, Integer.MAX_VALUE);
    }
}
