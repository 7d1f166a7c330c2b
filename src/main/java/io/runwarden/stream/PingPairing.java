package io.runwarden.stream;

import io.runwarden.model.Bounds;
import io.runwarden.model.EventCodec;
import io.runwarden.model.EventType;
import io.runwarden.model.InvalidEventException;
import io.runwarden.model.Json;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.Ping;
import io.runwarden.schedule.StartChecks;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Pairs the pings that name no run with their runs, on the partition of their script, in the order they arrived:
 * a start opens the run it names; an end or a heartbeat goes to the script's most recent run opened so; an end with
 * none records a run that started and ended at that instant; a heartbeat with none is a dead letter. Each is sent on
 * as an ordinary event of its run, to the run's own partition.
 */
final class PingPairing {
    /** The open runs remembered per script: a script that starts pings and never ends them cannot grow the store. */
    static final int MAX_OPEN = 100;

    /** The runs a script's pings opened and no ping ended yet, oldest first. */
    record PingRuns(List<String> open) {
    }

    private final KeyValueStore<String, PingRuns> store;
    private final Emitter emitter;
    private final StartChecks startChecks;

    PingPairing(KeyValueStore<String, PingRuns> store, Emitter emitter, StartChecks startChecks) {
        this.store = store;
        this.emitter = emitter;
        this.startChecks = startChecks;
    }

    void handle(Record<String, byte[]> record) {
        Ping ping = checked(record);
        PingRuns runs = store.get(ping.scriptName());
        List<String> open = new ArrayList<>(runs == null ? List.of() : runs.open());
        switch (ping.event()) {
            case STARTED -> {
                open.add(ping.runId());
                if (open.size() > MAX_OPEN) {
                    open.remove(0);
                }
                send(event(ping, ping.runId(), EventType.STARTED), record.timestamp());
            }
            case HEARTBEAT -> {
                if (open.isEmpty()) {
                    throw new InvalidEventException("no-open-run", "a heartbeat ping of " + Bounds.quote(ping.scriptName())
                            + " without rid, and no run of it started by a ping without rid is open");
                }
                send(event(ping, open.get(open.size() - 1), EventType.HEARTBEAT), record.timestamp());
            }
            case SUCCEEDED, FAILED -> {
                boolean paired = !open.isEmpty();
                String runId = paired ? open.remove(open.size() - 1) : UUID.randomUUID().toString();
                if (!paired) {
                    send(event(ping, runId, EventType.STARTED), record.timestamp()); // started and ended at once
                }
                send(event(ping, runId, ping.event()), record.timestamp());
            }
        }
        if (open.isEmpty()) {
            store.delete(ping.scriptName());
        } else {
            store.put(ping.scriptName(), new PingRuns(open));
        }
    }

    private static LifecycleEvent event(Ping ping, String runId, EventType type) {
        return new LifecycleEvent(runId, ping.scriptName(), type, ping.time(),
                type == EventType.STARTED && ping.event() != EventType.STARTED ? null : ping.message(), null);
    }

    /** On to the run's partition; a start there may come after a check that this partition answers for it. */
    private void send(LifecycleEvent event, long timestamp) {
        if (event.type() == EventType.STARTED) {
            startChecks.forwarded(event);
        }
        emitter.send(event.runId(), EventCodec.bytes(event), new RecordHeaders(), timestamp);
    }

    /** As strict as an event: anyone who can write to script-events can write a ping record. */
    private static Ping checked(Record<String, byte[]> record) {
        Ping ping;
        try {
            ping = record.value() == null ? null : Json.read(record.value(), Ping.class);
        } catch (SerializationException e) {
            throw new InvalidEventException("bad-control", "control record is not a valid Ping");
        }
        if (ping == null || ping.scriptName() == null || ping.event() == null || ping.time() == null
                || !ping.scriptName().equals(record.key()) || (ping.event() == EventType.STARTED) == (ping.runId() == null)) {
            throw new InvalidEventException("bad-control",
                    "a ping needs scriptName (its key), event and time, and a runId exactly when it starts a run");
        }
        try {
            Bounds.id(ping.scriptName());
            Bounds.instant(ping.time());
            if (ping.runId() != null) {
                Bounds.id(ping.runId());
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("bad-control", "a ping: " + e.getMessage());
        }
        return new Ping(ping.scriptName(), ping.event(), ping.runId(), ping.time(), Bounds.message(ping.message()));
    }
}
