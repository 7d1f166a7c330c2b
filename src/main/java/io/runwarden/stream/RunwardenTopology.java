package io.runwarden.stream;

import io.runwarden.kafka.StoreNames;
import io.runwarden.schedule.CronSchedule;
import io.runwarden.schedule.PolicyRules;
import io.runwarden.schedule.StartCheckProgress;

import io.runwarden.kafka.EventPartitions;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Bounds;
import io.runwarden.model.CronJob;
import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.sweep.SweepProgress;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;

/**
 * Builds the topology, a pure function of the settings: one source ({@code script-events}), one processor with
 * its stores, and sinks to {@code script-runs}, {@code script-run-failures} and back into {@code script-events}
 * for the sweep protocol; the cron jobs come in as a global store.
 */
public final class RunwardenTopology {
    static final String EVENTS_SOURCE = Topics.SCRIPT_EVENTS + "-source";
    static final String PROCESSOR = "script-event-processor";

    private RunwardenTopology() {
    }

    /**
     * @param defaultMaxRuntime the deadline of runs that set none ({@code RUNWARDEN_STALE_AFTER})
     * @param retention         how long finished runs are kept after their end ({@code RUNWARDEN_RETENTION})
     * @param eventPartitions   the partitions of {@code script-events}: every sweep waits for a part from each
     */
    public static Topology build(Duration defaultMaxRuntime, Duration retention, int eventPartitions) {
        // records passed on unchanged (bytes) keep their exact form; everything else is written as JSON
        Serializer<Object> json = (topic, value) -> value == null ? null
                : value instanceof byte[] raw ? raw : Json.bytes(value);
        Topology topology = new Topology();
        topology.addSource(EVENTS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.SCRIPT_EVENTS);
        topology.addProcessor(PROCESSOR, () -> new ScriptEventProcessor(defaultMaxRuntime, retention, eventPartitions), EVENTS_SOURCE);
        topology.addStateStore(store(StoreNames.RUNS, Json.serde(RunRecord.class)), PROCESSOR);
        // derived from the runs and rebuilt from them when needed (see IndexGeneration): not changelogged
        topology.addStateStore(store(StoreNames.INDEXES, Serdes.String()).withLoggingDisabled(), PROCESSOR);
        topology.addStateStore(store(StoreNames.INDEX_GENERATION, Serdes.String()), PROCESSOR);
        topology.addStateStore(store(StoreNames.SWEEPS, Json.serde(SweepProgress.class)), PROCESSOR);
        topology.addStateStore(store(StoreNames.SCHEDULER_SLOTS, Json.serde(Instant.class)), PROCESSOR);
        topology.addStateStore(store(StoreNames.START_CHECKS, Json.serde(StartCheckProgress.class)), PROCESSOR);
        topology.addStateStore(store(StoreNames.FORWARDED_STARTS, Json.serde(Instant.class)), PROCESSOR);
        topology.addStateStore(store(StoreNames.PING_RUNS, Json.serde(PingPairing.PingRuns.class)), PROCESSOR);
        topology.addSink(Emitter.RUNS_SINK, Topics.SCRIPT_RUNS, new StringSerializer(), json, PROCESSOR);
        topology.addSink(Emitter.FAILURES_SINK, Topics.SCRIPT_RUN_FAILURES, new StringSerializer(), json, PROCESSOR);
        topology.addSink(Emitter.EVENTS_SINK, Topics.SCRIPT_EVENTS, new StringSerializer(), json,
                new EventPartitions.Partitioner(), PROCESSOR);
        addGlobalTable(topology, StoreNames.CRON_JOBS, Topics.CRON_CONFIG, CronJob.class, (name, job) -> {
            CronJob named = new CronJob(name, job.schedule(), job.enabled(), job.timezone(), Bounds.message(job.description()));
            CronSchedule.accepted(named, Instant.now());
            return named;
        });
        addGlobalTable(topology, StoreNames.POLICIES, Topics.SCRIPT_POLICIES, ScriptPolicy.class,
                (script, policy) -> PolicyRules.checked(script, policy, Instant.now()));
        return topology;
    }

    private static <T> void addGlobalTable(Topology topology, String store, String topic, Class<T> type,
                                           BiFunction<String, T, T> validate) {
        topology.addGlobalStore(store(store, Json.serde(type)).withLoggingDisabled(), topic + "-source",
                new StringDeserializer(), new ByteArrayDeserializer(), topic, store + "-updater",
                () -> new GlobalTableUpdater<>(store, type, validate));
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(name), Serdes.String(), values);
    }
}
