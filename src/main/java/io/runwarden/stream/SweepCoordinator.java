package io.runwarden.stream;

import io.runwarden.model.Bounds;
import io.runwarden.model.EventType;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.SweepPart;
import io.runwarden.model.SweepProgress;
import io.runwarden.model.SweepRequest;
import io.runwarden.model.SweepResult;
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

/**
 * Runs the sweep protocol on {@code script-events}: a request, handled on the sweep's home partition, broadcasts a
 * marker to every partition; each partition reports its part back home; the home partition completes the sweep
 * when all parts are in. Each sweep is also a run of {@code cleanupStaleScripts}, the audit trail, kept on the
 * home partition itself (the audit run's id is the sweep's), so that it is recorded before the result can be read.
 * Sweeps are kept {@link #KEPT} after they were requested, for their result to be read.
 */
final class SweepCoordinator {
    static final String AUDIT_SCRIPT = "cleanupStaleScripts";
    static final Duration KEPT = Duration.ofDays(7);
    private static final Logger LOG = LoggerFactory.getLogger(SweepCoordinator.class);

    private final KeyValueStore<String, SweepProgress> sweeps;
    private final Emitter emitter;
    private final RunLedger runs;
    private final int partitions;
    private final Duration defaultMaxRuntime;
    private final RunwardenMeters meters;

    SweepCoordinator(KeyValueStore<String, SweepProgress> sweeps, Emitter emitter, RunLedger runs, int partitions,
                     Duration defaultMaxRuntime, RunwardenMeters meters) {
        this.sweeps = sweeps;
        this.emitter = emitter;
        this.runs = runs;
        this.partitions = partitions;
        this.defaultMaxRuntime = defaultMaxRuntime;
        this.meters = meters;
    }

    void launch(SweepRequest request, long timestamp) {
        if (sweeps.get(request.sweepId()) != null) {
            return; // a request seen twice starts one sweep
        }
        sweeps.put(request.sweepId(), SweepProgress.started(request, partitions));
        audit(new LifecycleEvent(request.auditRunId(), AUDIT_SCRIPT, EventType.STARTED, request.asOf(),
                "Cleanup of stale scripts started (" + trigger(request) + ")", null), timestamp);
        emitter.toEvents(request.sweepId(), request, ControlRecords.SWEEP_MARKER, timestamp);
    }

    /** @param now wall-clock time: the audit run ends when the last part arrives */
    void collect(SweepPart part, long timestamp, Instant now) {
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
            LOG.atInfo().addKeyValue("sweepId", request.sweepId()).addKeyValue("trigger", request.trigger())
                    .addKeyValue("runsFailed", result.totalLogsUpdated()).addKeyValue("scriptsAffected", result.scriptsAffected())
                    .addKeyValue("durationMs", millis)
                    .log("sweep {} ({}) completed in {} ms: {} run(s) marked as failed across {} script(s) {}",
                            request.sweepId(), trigger(request), millis, result.totalLogsUpdated(), result.scriptsAffected(),
                            listed(result.scriptNames()));
            meters.sweepCompleted(request.trigger(), result.totalLogsUpdated(), Duration.ofMillis(millis));
            audit(new LifecycleEvent(request.auditRunId(), AUDIT_SCRIPT, EventType.SUCCEEDED, now, summary, null), timestamp);
        }
        // the result last: whoever reads it finds the audit run already ended
        sweeps.put(part.sweepId(), new SweepProgress(progress.request(), progress.expectedParts(), parts, result));
    }

    /** The audit run's events are applied here, and counted, as any event is. */
    private void audit(LifecycleEvent event, long timestamp) {
        runs.apply(event, timestamp);
        meters.applied(event.type());
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
        return request.job() == null ? request.trigger() : request.trigger() + " by " + request.job();
    }

    private SweepResult result(SweepRequest request, Map<Integer, SweepPart> parts, Instant now) {
        TreeSet<String> scripts = new TreeSet<>();
        int failed = 0;
        int examined = 0;
        boolean cut = false;
        for (SweepPart part : parts.values()) {
            scripts.addAll(part.scriptNames());
            failed += part.failed();
            examined += part.entriesExamined();
            cut |= part.scriptNamesCut();
        }
        List<String> listed = Bounds.namesWithin(scripts, SweepResult.LISTED_CHARS);
        return new SweepResult(request.sweepId(), request.trigger(), request.job(), request.asOf(),
                request.asOf().minus(defaultMaxRuntime), failed, scripts.size(), listed,
                parts.size(), examined, now, cut || listed.size() < scripts.size());
    }
}
