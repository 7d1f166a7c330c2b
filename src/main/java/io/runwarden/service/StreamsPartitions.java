package io.runwarden.service;

import io.runwarden.kafka.EventPartitions;
import io.runwarden.kafka.PartitionStoreType;
import io.runwarden.kafka.StoreNames;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptStats;
import io.runwarden.runs.DueRuns;
import io.runwarden.runs.LocalRuns;
import io.runwarden.runs.LogsPage;
import io.runwarden.runs.LogsQuery;
import io.runwarden.sweep.SweepProgress;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** This instance's partitions, read through Kafka Streams' interactive queries. */
final class StreamsPartitions implements LocalPartitions {
    private final KafkaStreams streams;
    private final LocalRuns runs;
    private final int eventPartitions;

    StreamsPartitions(KafkaStreams streams, LocalRuns runs, int eventPartitions) {
        this.streams = streams;
        this.runs = runs;
        this.eventPartitions = eventPartitions;
    }

    @Override
    public List<Instance> instances() {
        return Unavailable.unlessStopping(streams::metadataForAllStreamsClients).stream()
                .map(m -> new Instance(m.hostInfo().host(), m.hostInfo().port(), EventPartitions.of(m.topicPartitions()),
                        EventPartitions.of(m.standbyTopicPartitions())))
                .sorted(Comparator.comparing(Instance::port)).toList();
    }

    @Override
    public int eventPartitions() {
        return eventPartitions;
    }

    @Override
    public LogsPage logs(LogsQuery query) {
        return runs.logs(query);
    }

    @Override
    public Map<String, ScriptStats> scriptStats() {
        return runs.scriptStats();
    }

    @Override
    public Object scriptStatsVersion() {
        return runs.statsVersion();
    }

    @Override
    public DueRuns due(Instant asOf, int limit) {
        return runs.due(asOf, limit);
    }

    @Override
    public Optional<RunRecord> run(String runId, int partition) {
        return runs.run(runId, partition);
    }

    @Override
    public Optional<SweepProgress> sweep(String sweepId, int partition) {
        ReadOnlyKeyValueStore<String, SweepProgress> sweeps = PartitionStoreType.find(streams, StoreNames.SWEEPS, partition);
        return Optional.ofNullable(sweeps.get(sweepId));
    }
}
