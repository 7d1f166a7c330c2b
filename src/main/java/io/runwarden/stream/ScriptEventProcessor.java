package io.runwarden.stream;

import io.runwarden.kafka.EventPartitions;
import io.runwarden.kafka.StoreNames;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.CronJob;
import io.runwarden.model.EventCodec;
import io.runwarden.model.EventType;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.runs.RestoredRuns;
import io.runwarden.runs.RunIndexes;
import io.runwarden.schedule.CronScheduler;
import io.runwarden.schedule.StartChecks;
import io.runwarden.sweep.SweepBacklog;
import io.runwarden.sweep.SweepProgress;
import io.runwarden.sweep.SweepProtocol;
import io.runwarden.sweep.SweepWrites;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The one processor of {@code script-events}: lifecycle events go to the runs, control records to the sweeps. */
final class ScriptEventProcessor implements Processor<String, byte[], String, Object> {
    /** How often partition 0's task looks at the cron jobs; slots are whole minutes. */
    static final Duration SCHEDULER_TICK = Duration.ofSeconds(1);
    /**
     * How often the runs changed by a trickle of events are written, after each pass of the thread over its records,
     * a step of the sweeps' runs is written, and the task's {@link CommitPace} is asked whether to commit.
     */
    static final Duration FLUSH_TICK = Duration.ofMillis(1);
    /** Retention removes at most this many runs per partition per tick, keeping each transaction short. */
    static final int RETENTION_CHUNK = 1_000;
    static final Duration RETENTION_TICK = Duration.ofSeconds(10);
    static final Duration SWEEP_PRUNE_TICK = Duration.ofMinutes(10);
    /** How often an index rebuild takes its next step, and how long a step may take: far below any transaction timeout. */
    static final Duration REBUILD_TICK = Duration.ofMillis(1);
    static final Duration REBUILD_STEP = Duration.ofMillis(100);

    private static final Logger LOG = LoggerFactory.getLogger(ScriptEventProcessor.class);

    private final Duration defaultMaxRuntime;
    private final Duration retention;
    private final int partitions;
    private final int outcomePartitions;
    private ProcessorContext<String, Object> context;
    private RestoredRuns restored;
    private Emitter emitter;
    private RunLedger runs;
    private SweepProtocol sweeps;
    private SweepBacklog backlog;
    private StartChecks startChecks;
    private PingPairing pings;
    private Cancellable rebuilding;
    private final CommitPace pace = new CommitPace();

    ScriptEventProcessor(Duration defaultMaxRuntime, Duration retention, int partitions, int outcomePartitions) {
        this.defaultMaxRuntime = defaultMaxRuntime;
        this.retention = retention;
        this.partitions = partitions;
        this.outcomePartitions = outcomePartitions;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        restored = RestoredRuns.from(context.appConfigs());
        RunwardenMeters meters = RunwardenMeters.from(context.appConfigs());
        emitter = new Emitter(context, outcomePartitions);
        KeyValueStore<String, RunRecord> runStore = context.getStateStore(StoreNames.RUNS);
        RunIndexes indexes = RunIndexes.open(runStore, context.getStateStore(StoreNames.INDEXES),
                context.getStateStore(StoreNames.INDEX_GENERATION),
                restored.take(context.taskId().partition()));
        rebuildStepwise(indexes);
        KeyValueStore<String, ScriptPolicy> policies = context.getStateStore(StoreNames.POLICIES);
        RunTransitions transitions = new RunTransitions(defaultMaxRuntime, script -> {
            ScriptPolicy policy = policies.get(script);
            return policy == null ? null : policy.maxRuntime();
        });
        backlog = new SweepBacklog(context.getStateStore(StoreNames.SWEEP_BACKLOG), SweepWrites.from(context.appConfigs()),
                context.taskId().partition());
        runs = new RunLedger(runStore, indexes, transitions, emitter, meters, backlog, context::currentSystemTimeMs);
        CommitHook hook = context.getStateStore(CommitHook.NAME);
        hook.beforeCommit(context, () -> {
            runs.flush();
            Emitter.committing();
        });
        KeyValueStore<String, SweepProgress> sweepStore = context.getStateStore(StoreNames.SWEEPS);
        sweeps = new SweepProtocol(sweepStore, runs, backlog, emitter, partitions, defaultMaxRuntime, meters,
                () -> Instant.ofEpochMilli(context.currentSystemTimeMs()));
        startChecks = new StartChecks(context.getStateStore(StoreNames.START_CHECKS),
                context.getStateStore(StoreNames.FORWARDED_STARTS), policies, GlobalTableUpdater::changes, runs, emitter,
                partitions, retention, meters,
                () -> Instant.ofEpochMilli(context.currentSystemTimeMs()));
        pings = new PingPairing(context.getStateStore(StoreNames.PING_RUNS), emitter, startChecks);
        context.schedule(FLUSH_TICK, PunctuationType.WALL_CLOCK_TIME, now -> {
            runs.flushIfTrickle();
            if (sweeps.writeSome(context.taskId().partition(), now)) {
                context.commit(); // a sweep's failures: their consumers and the alerts wait for them
            }
            pace.commitIfDue(context, now);
        });
        context.schedule(RETENTION_TICK, PunctuationType.WALL_CLOCK_TIME, now ->
                runs.expire(Instant.ofEpochMilli(now).minus(retention), RETENTION_CHUNK, now));
        context.schedule(SWEEP_PRUNE_TICK, PunctuationType.WALL_CLOCK_TIME, now -> {
            sweeps.prune(Instant.ofEpochMilli(now).minus(SweepProtocol.KEPT), RETENTION_CHUNK);
            startChecks.prune(Instant.ofEpochMilli(now).minus(StartChecks.KEPT), RETENTION_CHUNK);
        });
        if (context.taskId().partition() == 0) {
            KeyValueStore<String, CronJob> jobs = context.getStateStore(StoreNames.CRON_JOBS);
            KeyValueStore<String, Instant> slots = context.getStateStore(StoreNames.SCHEDULER_SLOTS);
            CronScheduler scheduler = new CronScheduler(jobs, slots, request -> emitter.send(request.sweepId(), request,
                    ControlRecord.SWEEP_REQUEST.headers(), request.asOf().toEpochMilli()));
            context.schedule(SCHEDULER_TICK, PunctuationType.WALL_CLOCK_TIME,
                    now -> scheduler.tick(Instant.ofEpochMilli(now)));
            context.schedule(StartChecks.TICK, PunctuationType.WALL_CLOCK_TIME,
                    now -> startChecks.tick(Instant.ofEpochMilli(now), slots));
            context.schedule(SWEEP_PRUNE_TICK, PunctuationType.WALL_CLOCK_TIME, now -> startChecks.forgetUnexpected(slots));
        }
    }

    /**
     * No rebuild inside init: a step writes to Kafka, which there would open the thread's transaction before the other
     * tasks' init and restore. A rebuild goes step by step between events.
     */
    private void rebuildStepwise(RunIndexes indexes) {
        if (indexes.complete()) {
            return;
        }
        LOG.info("rebuilding the indexes of {} from its runs, step by step while events are applied", context.taskId());
        long began = System.nanoTime();
        rebuilding = context.schedule(REBUILD_TICK, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (indexes.rebuildStep(REBUILD_STEP)) {
                rebuilding.cancel();
                LOG.info("rebuilt the indexes of {} from {} runs in {} ms", context.taskId(), indexes.rebuiltRuns(),
                        (System.nanoTime() - began) / 1_000_000);
            }
        });
    }

    @Override
    public void process(Record<String, byte[]> record) {
        pace.processed();
        Optional<ControlRecord> control = ControlRecord.of(record.headers());
        // read before anything moves it: a bad record is dead-lettered where it landed, with its original bytes
        LifecycleEvent event = control.isEmpty() ? EventCodec.parse(record.key(), record.value(), record.timestamp()) : null;
        if (control.orElse(null) == ControlRecord.SWEEP_REQUEST) {
            sweeps.checkRequest(record);
        } else if (control.orElse(null) == ControlRecord.MISSED_SLOT) {
            startChecks.checkMissed(record);
        }
        if (misrouted(record, control)) {
            // e.g. librdkafka's default partitioner: move it to the partition that holds the run's state
            if (event != null && event.type() == EventType.STARTED) {
                startChecks.forwarded(event);
            }
            emitter.send(record.key(), record.value(), record.headers(), record.timestamp());
            return;
        }
        if (event != null && PingPairing.paired(record) && event.scriptName() != null && !runs.takes(event)) {
            pings.unpaired(event, record, record.timestamp(), !runs.takesEnd(event.runId()));
        } else if (event != null) {
            runs.applyAtCommit(event, record.timestamp());
        } else if (control.get().sweep()) {
            sweeps.handle(control.get(), record, partition());
        } else if (control.get() == ControlRecord.PING) {
            pings.handle(record, context.recordMetadata().map(m -> m.offset()).orElse(-1L));
        } else {
            startChecks.handle(control.get(), record, partition());
        }
    }

    @Override
    public void close() {
        if (restored != null) {
            restored.taskClosed();
        }
        if (backlog != null) {
            backlog.closed();
        }
    }

    private int partition() {
        return context.recordMetadata().map(m -> m.partition()).orElse(0);
    }

    /**
     * Events and keyed control records (a sweep request by its sweepId, a missed slot by its runId) belong to the
     * partition Kafka's default (murmur2) partitioner picks; markers, continuations and parts are placed by runwarden.
     */
    private boolean misrouted(Record<String, byte[]> record, Optional<ControlRecord> control) {
        if (record.key() == null || record.key().isBlank() || context.recordMetadata().isEmpty()) {
            return false;
        }
        if (control.isPresent() && !control.get().keyed()) {
            return false;
        }
        return partition() != EventPartitions.of(record.key(), partitions);
    }
}
