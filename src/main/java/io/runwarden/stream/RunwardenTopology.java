package io.runwarden.stream;

import io.runwarden.alerts.BatchDone;
import io.runwarden.alerts.ScriptHealth;
import io.runwarden.kafka.StoreNames;
import io.runwarden.notify.Channel;
import io.runwarden.notify.ChannelJson;
import io.runwarden.notify.ChannelRules;
import io.runwarden.schedule.CronSchedule;
import io.runwarden.schedule.PolicyRules;
import io.runwarden.schedule.StartCheckProgress;

import io.runwarden.kafka.EventPartitions;
import io.runwarden.kafka.Topics;
import io.runwarden.model.CronJob;
import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.sweep.SweepBacklog;
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
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Builds the topology, a pure function of the settings: one source ({@code script-events}), one processor with
 * its stores, and sinks to {@code script-runs}, {@code script-run-failures} and back into {@code script-events}
 * for the sweep protocol; the cron jobs come in as a global store.
 */
public final class RunwardenTopology {
    static final String EVENTS_SOURCE = Topics.SCRIPT_EVENTS + "-source";
    static final String PROCESSOR = "script-event-processor";
    static final String OUTCOMES_SOURCE = "alert-outcomes-source";
    static final String ALERT_PROCESSOR = "alert-processor";
    /** Policies kept parsed: every script's of most installations (a policy is about 1 KB parsed and stored). */
    static final int POLICIES_REREAD = 16_384;

    private RunwardenTopology() {
    }

    /**
     * @param defaultMaxRuntime the deadline of runs that set none ({@code RUNWARDEN_STALE_AFTER})
     * @param retention         how long finished runs are kept after their end ({@code RUNWARDEN_RETENTION})
     * @param eventPartitions   the partitions of {@code script-events}: every sweep waits for a part from each
     * @param outcomePartitions the partitions of the alert outcomes: runs' ends are gathered by them
     * @param applicationId     names the topics internal to this application (the alert outcomes and feed)
     */
    public static Topology build(Duration defaultMaxRuntime, Duration retention, int eventPartitions, int outcomePartitions,
                                 String applicationId) {
        // records passed on unchanged (bytes) keep their exact form; everything else is written as JSON
        Serializer<Object> json = (topic, value) -> value == null ? null
                : value instanceof byte[] raw ? raw : value instanceof RunRecord run ? RunBytes.of(run) : Json.bytes(value);
        Topology topology = new Topology();
        topology.addSource(EVENTS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.SCRIPT_EVENTS);
        topology.addProcessor(PROCESSOR, () -> new ScriptEventProcessor(defaultMaxRuntime, retention, eventPartitions, outcomePartitions), EVENTS_SOURCE);
        topology.addStateStore(store(StoreNames.RUNS, RunBytes.serde()), PROCESSOR);
        topology.addStateStore(CommitHook.builder(), PROCESSOR);
        // derived from the runs and rebuilt from them when needed (see IndexGeneration): not changelogged
        topology.addStateStore(store(StoreNames.INDEXES, Serdes.String()).withLoggingDisabled(), PROCESSOR);
        topology.addStateStore(store(StoreNames.INDEX_GENERATION, Serdes.String()), PROCESSOR);
        topology.addStateStore(store(StoreNames.SWEEPS, Json.serde(SweepProgress.class)), PROCESSOR);
        topology.addStateStore(store(StoreNames.SWEEP_BACKLOG, Json.serde(SweepBacklog.Entry.class)), PROCESSOR);
        topology.addStateStore(store(StoreNames.SCHEDULER_SLOTS, Json.serde(Instant.class)), PROCESSOR);
        topology.addStateStore(store(StoreNames.START_CHECKS, Json.serde(StartCheckProgress.class)), PROCESSOR);
        topology.addStateStore(store(StoreNames.FORWARDED_STARTS, Json.serde(Instant.class)), PROCESSOR);
        topology.addStateStore(store(StoreNames.PING_RUNS, Json.serde(PingPairing.PingRuns.class)), PROCESSOR);
        topology.addSink(Emitter.RUNS_SINK, Topics.SCRIPT_RUNS, new StringSerializer(), json, PROCESSOR);
        topology.addSink(Emitter.FAILURES_SINK, Topics.SCRIPT_RUN_FAILURES, new StringSerializer(), json, PROCESSOR);
        topology.addSink(Emitter.EVENTS_SINK, Topics.SCRIPT_EVENTS, new StringSerializer(), json,
                new EventPartitions.Partitioner(), PROCESSOR);
        addAlerts(topology, eventPartitions, outcomePartitions, applicationId, json);
        addGlobalTable(topology, StoreNames.CRON_JOBS, Topics.CRON_CONFIG, CronJob.class,
                (name, job) -> CronSchedule.kept(name, job, Instant.now()));
        // every missed-start tick reads every policy: parsed once each, not once a tick
        addGlobalTable(topology, StoreNames.POLICIES, Topics.SCRIPT_POLICIES,
                Json.rereadSerde(ScriptPolicy.class, POLICIES_REREAD), bytes -> Json.read(bytes, ScriptPolicy.class),
                (script, policy) -> PolicyRules.checked(script, policy, Instant.now()));
        // read strictly, as a PUT is: a channel the API would refuse is not delivered to
        addGlobalTable(topology, StoreNames.CHANNELS, Topics.NOTIFICATION_CHANNELS, Channel.class, ChannelJson::read,
                ChannelRules::checked);
        return topology;
    }

    /**
     * Runs' ends go to their scripts' partitions of the alert outcomes, gathered a partition at a time, where each
     * script's alerts are decided in one place and sent to {@code script-alerts} and the feed the notifier reads; a
     * batch's end reaches every outcome partition.
     */
    private static void addAlerts(Topology topology, int eventPartitions, int outcomePartitions, String applicationId,
                                  Serializer<Object> json) {
        String outcomes = Topics.alertOutcomes(applicationId);
        topology.addSink(Emitter.OUTCOMES_SINK, outcomes, new StringSerializer(), json,
                (topic, key, value, partitions) -> value instanceof BatchDone
                        ? Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()))
                        : Optional.of(Set.of(EventPartitions.of(key, partitions))), PROCESSOR);
        topology.addSource(OUTCOMES_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), outcomes);
        topology.addProcessor(ALERT_PROCESSOR, () -> new AlertProcessor(eventPartitions, outcomePartitions), OUTCOMES_SOURCE);
        topology.addStateStore(store(StoreNames.SCRIPT_HEALTH, Json.serde(ScriptHealth.class)), ALERT_PROCESSOR);
        topology.addStateStore(store(StoreNames.ALERT_BATCHES, Json.serde(AlertProcessor.BatchProgress.class)), ALERT_PROCESSOR);
        topology.addSink(AlertProcessor.ALERTS_SINK, Topics.SCRIPT_ALERTS, new StringSerializer(), json, ALERT_PROCESSOR);
        // a batch's end stays on the partition that passed it on, behind that partition's alerts
        topology.addSink(AlertProcessor.FEED_SINK, Topics.alertFeed(applicationId), new StringSerializer(), json,
                (topic, key, value, partitions) -> value instanceof BatchDone done
                        ? Optional.of(Set.of(done.partition()))
                        : Optional.of(Set.of(EventPartitions.of(key, partitions))), ALERT_PROCESSOR);
    }

    private static <T> void addGlobalTable(Topology topology, String store, String topic, Class<T> type,
                                           BiFunction<String, T, T> validate) {
        addGlobalTable(topology, store, topic, type, bytes -> Json.read(bytes, type), validate);
    }

    private static <T> void addGlobalTable(Topology topology, String store, String topic, Class<T> type,
                                           Function<byte[], T> reader, BiFunction<String, T, T> validate) {
        addGlobalTable(topology, store, topic, Json.serde(type), reader, validate);
    }

    private static <T> void addGlobalTable(Topology topology, String store, String topic, Serde<T> stored,
                                           Function<byte[], T> reader, BiFunction<String, T, T> validate) {
        topology.addGlobalStore(store(store, stored).withLoggingDisabled(), topic + "-source",
                new StringDeserializer(), new ByteArrayDeserializer(), topic, store + "-updater",
                () -> new GlobalTableUpdater<>(store, reader, validate));
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(name), Serdes.String(), values);
    }
}
