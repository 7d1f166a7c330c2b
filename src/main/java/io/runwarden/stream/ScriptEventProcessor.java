package io.runwarden.stream;

import io.runwarden.model.CronJob;
import io.runwarden.model.Json;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.model.SweepContinuation;
import io.runwarden.model.SweepPart;
import io.runwarden.model.SweepProgress;
import io.runwarden.model.SweepRequest;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The one processor of {@code script-events}: lifecycle events go to the runs, control records to the sweeps. */
final class ScriptEventProcessor implements Processor<String, byte[], String, Object> {
    /** How often partition 0's task looks at the cron jobs; slots are whole minutes. */
    static final Duration SCHEDULER_TICK = Duration.ofSeconds(1);
    /** Due runs failed per transaction; far below what fits in Streams' 10 s transaction timeout. */
    static final int SWEEP_CHUNK = 1_000;
    /** Retention removes at most this many runs per partition per tick, keeping each transaction short. */
    static final int RETENTION_CHUNK = 1_000;
    static final Duration RETENTION_TICK = Duration.ofSeconds(10);
    static final Duration SWEEP_PRUNE_TICK = Duration.ofMinutes(10);
    /** How often an index rebuild takes its next step. */
    static final Duration REBUILD_TICK = Duration.ofMillis(10);

    private static final Logger LOG = LoggerFactory.getLogger(ScriptEventProcessor.class);

    private final Duration defaultMaxRuntime;
    private final Duration retention;
    private final int partitions;
    private ControlValues controlValues;
    private ProcessorContext<String, Object> context;
    private Emitter emitter;
    private RunLedger runs;
    private SweepCoordinator sweeps;
    private RunwardenMeters meters;
    private IndexRebuild rebuild;
    private Cancellable rebuilding;

    ScriptEventProcessor(Duration defaultMaxRuntime, Duration retention, int partitions) {
        this.defaultMaxRuntime = defaultMaxRuntime;
        this.retention = retention;
        this.partitions = partitions;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        meters = RunwardenMeters.from(context.appConfigs());
        emitter = new Emitter(context);
        controlValues = new ControlValues(partitions, () -> Instant.ofEpochMilli(context.currentSystemTimeMs()));
        KeyValueStore<String, RunRecord> runStore = context.getStateStore(Stores.RUNS);
        KeyValueStore<String, String> indexStore = context.getStateStore(Stores.INDEXES);
        RunIndexes indexes = new RunIndexes(indexStore);
        IndexGeneration generation = new IndexGeneration(context.getStateStore(Stores.INDEX_GENERATION), indexStore);
        rebuild = generation.current() ? IndexRebuild.none() : IndexRebuild.start(runStore, indexStore, indexes, generation, IndexRebuild.BATCH);
        if (!rebuild.step()) {
            // no long work inside init (the thread's transaction is open): the rest goes step by step
            LOG.info("rebuilding the indexes of {} from its runs, step by step while events are applied", context.taskId());
            long began = System.nanoTime();
            rebuilding = context.schedule(REBUILD_TICK, PunctuationType.WALL_CLOCK_TIME, now -> {
                if (rebuild.step()) {
                    rebuilding.cancel();
                    LOG.info("rebuilt the indexes of {} from {} runs in {} ms", context.taskId(), rebuild.indexed(),
                            (System.nanoTime() - began) / 1_000_000);
                }
            });
        }
        KeyValueStore<String, ScriptPolicy> policies = context.getStateStore(Stores.POLICIES);
        RunTransitions transitions = new RunTransitions(defaultMaxRuntime, script -> {
            ScriptPolicy policy = policies.get(script);
            return policy == null ? null : policy.maxRuntime();
        });
        runs = new RunLedger(runStore, indexes, rebuild, transitions, emitter);
        KeyValueStore<String, SweepProgress> sweepStore = context.getStateStore(Stores.SWEEPS);
        sweeps = new SweepCoordinator(sweepStore, emitter, runs, partitions, defaultMaxRuntime, meters);
        context.schedule(RETENTION_TICK, PunctuationType.WALL_CLOCK_TIME, now ->
                runs.expire(Instant.ofEpochMilli(now).minus(retention), RETENTION_CHUNK, now));
        context.schedule(SWEEP_PRUNE_TICK, PunctuationType.WALL_CLOCK_TIME, now ->
                sweeps.prune(Instant.ofEpochMilli(now).minus(SweepCoordinator.KEPT), RETENTION_CHUNK));
        if (context.taskId().partition() == 0) {
            KeyValueStore<String, CronJob> jobs = context.getStateStore(Stores.CRON_JOBS);
            KeyValueStore<String, Instant> slots = context.getStateStore(Stores.SCHEDULER_SLOTS);
            SweepScheduler scheduler = new SweepScheduler(jobs, slots, emitter);
            context.schedule(SCHEDULER_TICK, PunctuationType.WALL_CLOCK_TIME,
                    now -> scheduler.tick(Instant.ofEpochMilli(now)));
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Optional<ControlRecords> control = ControlRecords.of(record.headers());
        long timestamp = record.timestamp();
        // read before anything moves it: a bad record is dead-lettered where it landed, with its original bytes
        LifecycleEvent event = control.isEmpty() ? EventParser.parse(record.key(), record.value(), timestamp) : null;
        SweepRequest request = control.orElse(null) == ControlRecords.SWEEP_REQUEST ? controlValues.request(record) : null;
        if (misrouted(record, control)) {
            // e.g. librdkafka's default partitioner: move it to the partition that holds the run's state
            emitter.toEvents(record.key(), record.value(), record.headers(), timestamp);
            return;
        }
        if (event != null) {
            runs.apply(event, timestamp);
            meters.applied(event.type());
            return;
        }
        switch (control.get()) {
            case SWEEP_REQUEST -> sweeps.launch(request, timestamp);
            case SWEEP_MARKER -> {
                SweepRequest marker = controlValues.marker(record);
                sweepPartition(marker, SweepPart.none(marker.sweepId(), partition()), timestamp);
            }
            case SWEEP_CONTINUE -> {
                SweepContinuation rest = controlValues.continuation(record, partition());
                sweepPartition(rest.request(), rest.soFar(), timestamp);
            }
            case SWEEP_PART -> sweeps.collect(controlValues.part(record), timestamp,
                    Instant.ofEpochMilli(context.currentSystemTimeMs()));
        }
    }

    /**
     * Fails the next chunk of this partition's due runs. A chunk keeps each transaction short however many runs are
     * due; the rest continues behind whatever arrived meanwhile, and the part goes home when nothing is left.
     */
    private void sweepPartition(SweepRequest request, SweepPart soFar, long timestamp) {
        // the deadline index is complete only once rebuilt: until then the sweep waits, and drives the rebuild on
        SweepPart chunk = rebuild.complete() || rebuild.step() ? runs.sweep(request, partition(), timestamp, SWEEP_CHUNK)
                : null;
        SweepPart part = chunk == null ? soFar : soFar.plus(chunk, SweepPart.LISTED_CHARS / partitions);
        if (chunk == null || chunk.failed() == SWEEP_CHUNK) {
            Headers headers = ControlRecords.SWEEP_CONTINUE.headers();
            headers.add(ControlRecords.PARTITION, String.valueOf(partition()).getBytes(StandardCharsets.UTF_8));
            emitter.toEvents(request.sweepId(), Json.bytes(new SweepContinuation(request, part)), headers, timestamp);
        } else {
            emitter.toEvents(part.sweepId(), part, ControlRecords.SWEEP_PART, timestamp);
        }
    }

    private int partition() {
        return context.recordMetadata().map(m -> m.partition()).orElse(0);
    }

    /**
     * Records keyed by a runId or sweepId belong to the partition Kafka's default (murmur2) partitioner picks;
     * markers and parts are placed by runwarden itself.
     */
    private boolean misrouted(Record<String, byte[]> record, Optional<ControlRecords> control) {
        if (record.key() == null || record.key().isBlank() || context.recordMetadata().isEmpty()) {
            return false;
        }
        if (control.isPresent() && control.get() != ControlRecords.SWEEP_REQUEST) {
            return false;
        }
        return partition() != EventsPartitioner.partitionOf(record.key(), partitions);
    }
}
