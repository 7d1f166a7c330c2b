package io.runwarden.stream;

import io.runwarden.alerts.AlertRules;
import io.runwarden.alerts.BatchDone;
import io.runwarden.alerts.RunOutcome;
import io.runwarden.alerts.ScriptHealth;
import io.runwarden.kafka.EventPartitions;
import io.runwarden.kafka.StoreNames;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.Alert;
import io.runwarden.model.Bounds;
import io.runwarden.model.InvalidEventException;
import io.runwarden.model.Json;
import io.runwarden.model.ScriptPolicy;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Decides the alerts of the scripts of one partition of the alert outcomes, in the order their runs ended, and
 * sends them to {@code script-alerts} and to the alert feed; passes a batch's end on to the feed once every run
 * partition is done with it.
 */
final class AlertProcessor implements Processor<String, byte[], String, Object> {
    static final String ALERTS_SINK = "script-alerts-sink";
    static final String FEED_SINK = "alert-feed-sink";
    /** A batch that not every run partition finished in a day never will (a forged end, or a topic recreated). */
    static final Duration BATCH_KEPT = Duration.ofDays(1);
    static final Duration BATCH_PRUNE_TICK = Duration.ofMinutes(10);

    /**
     * Scripts whose health this task keeps parsed, as it last wrote or read it: reading it back from the store was a
     * tenth of deciding a success (B1). Only this task writes the store, and {@link #init} starts afresh.
     */
    static final int CACHED_SCRIPTS = 16_384;

    private final int runPartitions;
    private final int outcomePartitions;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ScriptHealth> health;
    private Map<String, ScriptHealth> knownHealth;
    private KeyValueStore<String, BatchProgress> batches;
    private KeyValueStore<String, ScriptPolicy> policies;
    private RunwardenMeters meters;
    private final CommitPace pace = new CommitPace();

    /** The run partitions done with a batch so far, and when the first said so. */
    record BatchProgress(TreeSet<Integer> done, Instant since) {
    }

    /**
     * @param runPartitions     the partitions of {@code script-events}, each of which ends every batch
     * @param outcomePartitions the partitions of the alert outcomes: a record's outcomes all belong to its key's
     */
    AlertProcessor(int runPartitions, int outcomePartitions) {
        this.runPartitions = runPartitions;
        this.outcomePartitions = outcomePartitions;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        health = context.getStateStore(StoreNames.SCRIPT_HEALTH);
        knownHealth = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ScriptHealth> eldest) {
                return size() > CACHED_SCRIPTS;
            }
        };
        batches = context.getStateStore(StoreNames.ALERT_BATCHES);
        policies = context.getStateStore(StoreNames.POLICIES);
        meters = RunwardenMeters.from(context.appConfigs());
        context.schedule(BATCH_PRUNE_TICK, PunctuationType.WALL_CLOCK_TIME,
                now -> prune(Instant.ofEpochMilli(now).minus(BATCH_KEPT)));
        context.schedule(CommitPace.TICK, PunctuationType.WALL_CLOCK_TIME, now -> pace.commitIfDue(context, now));
    }

    @Override
    public void process(Record<String, byte[]> record) {
        boolean told = false;
        int load = 1;
        if (record.headers().lastHeader(BatchDone.HEADER) != null) {
            told = batchDone(read(record.value(), BatchDone.class));
        } else {
            // every outcome of a record is checked before any is decided: one runwarden did not write is dead-lettered
            // whole, none of it decided
            List<RunOutcome> outcomes = outcomes(record.key(), record.value(), outcomePartitions);
            for (RunOutcome outcome : outcomes) {
                told |= decide(outcome);
            }
            load = outcomes.size();
        }
        // each outcome counts toward a flood; only what someone waits for asks for a commit: a success of a healthy
        // script changes nothing but its health, and an ask commits every task of the stream thread
        pace.processed(load, told);
    }

    /** @return whether the outcome raised an alert */
    private boolean decide(RunOutcome outcome) {
        ScriptPolicy policy = policies.get(outcome.scriptName());
        ScriptHealth before = knownHealth.computeIfAbsent(outcome.scriptName(),
                script -> Objects.requireNonNullElse(health.get(script), ScriptHealth.UNKNOWN));
        AlertRules.Decision decision = AlertRules.decide(before, outcome, policy != null && policy.paused());
        if (!decision.health().equals(before)) {
            health.put(outcome.scriptName(), decision.health()); // a write and a changelog record only when it changed
            knownHealth.put(outcome.scriptName(), decision.health());
        }
        // stamped when raised: a channel made at T delivers the alerts raised from T on, whatever the events' times
        long raised = context.currentSystemTimeMs();
        for (Alert alert : decision.alerts()) {
            byte[] json = Json.bytes(alert); // written once for both topics
            context.forward(new Record<>(alert.scriptName(), json, raised, new RecordHeaders()), ALERTS_SINK);
            context.forward(new Record<>(alert.scriptName(), json, raised, new RecordHeaders()), FEED_SINK);
            meters.alerted(alert.kind());
        }
        return !decision.alerts().isEmpty();
    }

    /** @return whether every run partition is now done with the batch, and its end was passed on */
    private boolean batchDone(BatchDone done) {
        if (done.batchId() == null || done.partition() < 0 || done.partition() >= runPartitions) {
            throw new InvalidEventException("bad-alert-outcome", "a batch's end needs its batchId and a run partition");
        }
        // a cron job's sweep is named after the job, and a sweep request may name its sweep: as long as those may be
        within("batchId", done.batchId(), Bounds::batchId);
        BatchProgress progress = batches.get(done.batchId());
        TreeSet<Integer> seen = progress == null ? new TreeSet<>() : new TreeSet<>(progress.done());
        seen.add(done.partition());
        if (seen.size() < runPartitions) {
            batches.put(done.batchId(), new BatchProgress(seen, progress == null ? now() : progress.since()));
            return false;
        }
        batches.delete(done.batchId());
        int partition = context.recordMetadata().map(m -> m.partition()).orElse(0);
        RecordHeaders headers = new RecordHeaders();
        headers.add(BatchDone.HEADER, new byte[0]);
        context.forward(new Record<>(done.batchId(), new BatchDone(done.batchId(), partition), context.currentSystemTimeMs(), headers), FEED_SINK);
        return true;
    }

    /**
     * The outcomes of a record as runwarden writes them: a JSON array of outcomes whose scripts share the partition of
     * its key, the first keyed by its own script (an outcome alone, as earlier versions wrote one, is keyed by its
     * script), each {@link #checked}. Anything else on the topic was written by someone else.
     */
    static List<RunOutcome> outcomes(String key, byte[] value, int outcomePartitions) {
        if (value == null || value.length == 0 || value[0] != '[') {
            RunOutcome outcome = checked(read(value, RunOutcome.class));
            keyedBy(key, outcome);
            return List.of(outcome);
        }
        List<RunOutcome> outcomes = Arrays.asList(read(value, RunOutcome[].class));
        if (outcomes.isEmpty()) {
            throw new InvalidEventException("bad-alert-outcome", "a record of outcomes without an outcome");
        }
        keyedBy(key, checked(outcomes.get(0)));
        int partition = EventPartitions.of(key, outcomePartitions);
        for (RunOutcome outcome : outcomes.subList(1, outcomes.size())) {
            if (EventPartitions.of(checked(outcome).scriptName(), outcomePartitions) != partition) {
                throw new InvalidEventException("bad-alert-outcome", "an outcome of a script of another partition");
            }
        }
        return outcomes;
    }

    private static void keyedBy(String key, RunOutcome outcome) {
        if (!outcome.scriptName().equals(key)) {
            throw new InvalidEventException("bad-alert-outcome", "an outcome is keyed by its scriptName");
        }
    }

    /**
     * An outcome as runwarden writes one, from a run it keeps: with its script, runId and end time, every id and
     * instant within the bounds (a sweep's or a check's as a sweep request may give it) and a message no longer than a
     * run's. Anything else would make alerts (and records) beyond the bounds every consumer of script-alerts relies on.
     */
    private static RunOutcome checked(RunOutcome outcome) {
        if (outcome == null || outcome.scriptName() == null || outcome.runId() == null || outcome.time() == null) {
            throw new InvalidEventException("bad-alert-outcome", "an outcome needs a runId and a time, and is keyed by its scriptName");
        }
        within("scriptName", outcome.scriptName(), Bounds::id);
        within("runId", outcome.runId(), Bounds::generatedId);
        within("time", outcome.time(), Bounds::instant);
        if (outcome.since() != null) {
            within("since", outcome.since(), Bounds::instant);
        }
        if (outcome.message() != null && outcome.message().length() > Bounds.MAX_MESSAGE_CHARS) {
            throw new InvalidEventException("bad-alert-outcome", "message is " + outcome.message().length()
                    + " characters long; a run's holds at most " + Bounds.MAX_MESSAGE_CHARS);
        }
        if (outcome.sweepId() != null) {
            within("sweepId", outcome.sweepId(), Bounds::batchId);
        }
        if (outcome.checkId() != null) {
            within("checkId", outcome.checkId(), Bounds::batchId);
        }
        return outcome;
    }

    private static <T> void within(String field, T value, Function<T, T> bound) {
        try {
            bound.apply(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("bad-alert-outcome", field + " " + e.getMessage());
        }
    }

    private void prune(Instant cutoff) {
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, BatchProgress> it = batches.all()) {
            it.forEachRemaining(entry -> {
                if (entry.value.since().isBefore(cutoff)) {
                    stale.add(entry.key);
                }
            });
        }
        stale.forEach(batches::delete);
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    private static <T> T read(byte[] bytes, Class<T> type) {
        try {
            T value = bytes == null ? null : Json.read(bytes, type);
            if (value == null) {
                throw new InvalidEventException("bad-alert-outcome", "a record of the alert outcomes without a value");
            }
            return value;
        } catch (SerializationException | IllegalArgumentException e) {
            throw new InvalidEventException("bad-alert-outcome", e.getMessage());
        }
    }
}
