package io.runwarden.service;

import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptStats;
import io.runwarden.runs.DueRuns;
import io.runwarden.runs.LogsPage;
import io.runwarden.runs.LogsQuery;
import io.runwarden.sweep.SweepProgress;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What this instance answers for its own partitions when another instance fans a query out to it. */
public interface LocalPartitions {
    /** Where the internal routes live, on every instance. */
    String PATH = "/internal";

    /** One instance of the application as Kafka Streams sees it: where its API is and what it holds. */
    record Instance(String host, int port, List<Integer> activePartitions, List<Integer> standbyPartitions) {
    }

    List<Instance> instances();

    /** How many partitions {@code script-events} has. */
    int eventPartitions();

    LogsPage logs(LogsQuery query);

    Map<String, ScriptStats> scriptStats();

    /** What {@link #scriptStats} would be built from now: equal answers, equal stats. */
    Object scriptStatsVersion();

    DueRuns due(Instant asOf, int limit);

    Optional<RunRecord> run(String runId, int partition);

    Optional<SweepProgress> sweep(String sweepId, int partition);
}
