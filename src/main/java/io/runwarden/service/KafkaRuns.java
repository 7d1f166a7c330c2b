package io.runwarden.service;

import io.runwarden.kafka.Topics;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.EventCodec;
import io.runwarden.model.Ping;
import io.runwarden.model.Json;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptStats;
import io.runwarden.runs.LogsPage;
import io.runwarden.runs.LogsQuery;
import org.apache.kafka.clients.producer.Producer;

import io.runwarden.kafka.StoreNames;
import io.runwarden.model.ScriptPolicy;
import org.apache.kafka.streams.state.KeyValueIterator;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/** Runs reported to {@code script-events} and read across the cluster. */
final class KafkaRuns implements Runs {
    private final Producer<String, byte[]> producer;
    private final ClusterQueries cluster;
    private final GlobalStores stores;
    private final Clock clock;
    private final LongSupplier policyChanges;

    /** @param policyChanges how many policy changes this instance has made visible */
    KafkaRuns(Producer<String, byte[]> producer, ClusterQueries cluster, GlobalStores stores, Clock clock,
              LongSupplier policyChanges) {
        this.producer = producer;
        this.cluster = cluster;
        this.stores = stores;
        this.clock = clock;
        this.policyChanges = policyChanges;
    }

    @Override
    public LifecycleEvent report(ObjectNode event) {
        String runId = event.path("runId").textValue();
        LifecycleEvent checked = EventCodec.parse(runId, event, System.currentTimeMillis());
        Writes.send(producer, Topics.SCRIPT_EVENTS, runId, Json.bytes(event), null);
        return checked;
    }

    @Override
    public void ping(Ping ping) {
        Writes.send(producer, Topics.SCRIPT_EVENTS, ping.scriptName(), Json.bytes(ping), ControlRecord.PING.headers());
    }

    @Override
    public LogsPage logs(LogsQuery query) {
        return cluster.logs(query);
    }

    @Override
    public Optional<RunRecord> run(String runId) {
        return cluster.run(runId);
    }

    /** In no order: the view sorts them once (a sorted set of 10,000 names was a fifth of a rendering, JFR of B3). */
    @Override
    public List<ScriptSummary> scripts() {
        Instant now = clock.instant();
        Map<String, ScriptStats> stats = cluster.scriptStats();
        Map<String, ScriptPolicy> scheduled = new HashMap<>();
        try (KeyValueIterator<String, ScriptPolicy> it = stores.<ScriptPolicy>get(StoreNames.POLICIES).all()) {
            it.forEachRemaining(kv -> {
                if (kv.value.schedule() != null) {
                    scheduled.put(kv.key, kv.value);
                }
            });
        }
        List<ScriptSummary> scripts = new ArrayList<>(stats.size() + scheduled.size());
        stats.forEach((name, known) -> scripts.add(ScriptSummary.of(name, known, scheduled.remove(name), now)));
        scheduled.forEach((name, policy) -> scripts.add(ScriptSummary.of(name, null, policy, now)));
        return scripts;
    }

    /**
     * The stats' version and this instance's policy changes. A policy written to the topic by anything else is not
     * counted: a view cached on this version is at most two seconds old ({@code http/ViewCache}).
     */
    @Override
    public Object scriptsVersion() {
        Object stats = cluster.scriptStatsVersion();
        return stats == null ? null : List.of(stats, policyChanges.getAsLong());
    }
}
