package io.runwarden.service;

import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptStats;
import io.runwarden.runs.LogsPage;
import io.runwarden.runs.LogsQuery;

import java.util.Collection;
import java.util.Optional;

/** The runs of the whole cluster: reporting an event, and reading runs wherever their partition lives. */
public interface Runs {
    /** Writes the event to {@code script-events} and returns once Kafka has it. @throws Unavailable when it has not */
    void report(LifecycleEvent event);

    LogsPage logs(LogsQuery query);

    Optional<RunRecord> run(String runId);

    /** Each script's stats, merged across every partition. */
    Collection<ScriptStats> scriptStats();
}
