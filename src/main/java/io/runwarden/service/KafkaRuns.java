package io.runwarden.service;

import io.runwarden.kafka.Topics;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runwarden.model.EventCodec;
import io.runwarden.model.Json;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptStats;
import io.runwarden.runs.LogsPage;
import io.runwarden.runs.LogsQuery;
import org.apache.kafka.clients.producer.Producer;

import java.util.Collection;
import java.util.Optional;

/** Runs reported to {@code script-events} and read across the cluster. */
final class KafkaRuns implements Runs {
    private final Producer<String, byte[]> producer;
    private final ClusterQueries cluster;

    KafkaRuns(Producer<String, byte[]> producer, ClusterQueries cluster) {
        this.producer = producer;
        this.cluster = cluster;
    }

    @Override
    public LifecycleEvent report(ObjectNode event) {
        String runId = event.path("runId").textValue();
        LifecycleEvent checked = EventCodec.parse(runId, event, System.currentTimeMillis());
        Writes.send(producer, Topics.SCRIPT_EVENTS, runId, Json.bytes(event), null);
        return checked;
    }

    @Override
    public LogsPage logs(LogsQuery query) {
        return cluster.logs(query);
    }

    @Override
    public Optional<RunRecord> run(String runId) {
        return cluster.run(runId);
    }

    @Override
    public Collection<ScriptStats> scriptStats() {
        return cluster.scriptStats().values();
    }
}
