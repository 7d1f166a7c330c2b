package io.runwarden.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.Ping;
import io.runwarden.model.RunRecord;
import io.runwarden.runs.LogsPage;
import io.runwarden.runs.LogsQuery;

import java.util.List;
import java.util.Optional;

/** The runs of the whole cluster: reporting an event, and reading runs wherever their partition lives. */
public interface Runs {
    /**
     * Checks an event as the stream will ({@link io.runwarden.model.EventCodec}), then writes it to
     * {@code script-events} as it was given, keyed by its runId; returns once Kafka has it.
     * @return the event as the stream will read it
     * @throws io.runwarden.model.InvalidEventException when the stream would refuse it
     * @throws Unavailable when Kafka did not take it
     */
    LifecycleEvent report(ObjectNode event);

    /** Writes a ping without a runId, to be paired with its run on its script's partition; returns once Kafka has it. */
    void ping(Ping ping);

    LogsPage logs(LogsQuery query);

    Optional<RunRecord> run(String runId);

    /**
     * Every script that reported a run or has a schedule: its stats merged across every partition, and where it
     * stands against its schedule; in no particular order.
     */
    List<ScriptSummary> scripts();

    /**
     * What {@link #scripts} would be built from now: equal answers, equal scripts but for the passing of time. Null
     * when that cannot be known here (other instances hold some of the partitions).
     */
    Object scriptsVersion();
}
