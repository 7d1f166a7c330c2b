package io.runwarden.stream;

import io.runwarden.model.Bounds;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.EventCodec;
import io.runwarden.model.EventType;
import io.runwarden.model.InvalidEventException;
import io.runwarden.model.Json;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.Ping;
import io.runwarden.schedule.StartChecks;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Pairs the pings that name no run with their runs, on the partition of their script, in the order they arrived:
 * a start opens the run it names; an end or a heartbeat goes to the script's most recent run opened so; an end with
 * none records a run that started and ended at that instant; a heartbeat with none is a dead letter. Each is sent on
 * as an ordinary event of its run, to the run's own partition, which hands an end or heartbeat back ({@link #unpaired})
 * when the run it went to is no longer open there.
 */
final class PingPairing {
    /** The open runs remembered per script: a script that starts pings and never ends them cannot grow the store. */
    static final int MAX_OPEN = 100;
    /**
     * Marks an end or heartbeat this pairing sent to a run it remembers as open. The run's partition knows better: a
     * sweep may have timed it out, or an event naming its runId ended it, since ({@link #unpaired}).
     */
    static final String PAIRED = "runwarden.ping.paired";
    /** On a ping handed back by a run's partition: the run it went to, which is not open, to forget before pairing. */
    static final String CLOSED = "runwarden.ping.closed";

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
        Header closed = record.headers().lastHeader(CLOSED);
        if (closed != null && closed.value() != null) {
            open.remove(new String(closed.value(), StandardCharsets.UTF_8));
        }
        switch (ping.event()) {
            case STARTED -> {
                open.add(ping.runId());
                if (open.size() > MAX_OPEN) {
                    open.remove(0);
                }
                send(event(ping, ping.runId()), record.timestamp(), false);
            }
            case HEARTBEAT -> {
                if (open.isEmpty()) {
                    save(ping.scriptName(), open); // a closed run it came back without is forgotten all the same
                    throw noOpenRun(ping.scriptName());
                }
                send(event(ping, open.get(open.size() - 1)), record.timestamp(), true);
            }
            case SUCCEEDED, FAILED -> {
                if (open.isEmpty()) {
                    startedAndEnded(event(ping, null), record.timestamp());
                } else {
                    send(event(ping, open.remove(open.size() - 1)), record.timestamp(), true);
                }
            }
        }
        save(ping.scriptName(), open);
    }

    private void save(String script, List<String> open) {
        if (open.isEmpty()) {
            store.delete(script);
        } else {
            store.put(script, new PingRuns(open));
        }
    }

    /**
     * A paired end or heartbeat its run, on its own partition, does not take (the run is gone, was ended by an event
     * naming it, or, for a heartbeat, timed out; an end of a timed-out run is its late completion, once): back to its
     * script's partition as the ping it was, to be paired again without that run. So it goes to the most recent run
     * still open, and an end with none is a run of its own, alerted, instead of vanishing unseen.
     */
    void unpaired(LifecycleEvent event, long timestamp) {
        RecordHeaders headers = new RecordHeaders(ControlRecord.PING.headers().toArray());
        headers.add(CLOSED, event.runId().getBytes(StandardCharsets.UTF_8));
        Ping again = new Ping(event.scriptName(), event.type(), null, event.time(), event.message());
        emitter.send(event.scriptName(), Json.bytes(again), headers, timestamp);
    }

    /** An end with no open run: a run of its own that started and ended at that instant. */
    private void startedAndEnded(LifecycleEvent end, long timestamp) {
        String runId = UUID.randomUUID().toString();
        send(new LifecycleEvent(runId, end.scriptName(), EventType.STARTED, end.time(), null, null), timestamp, false);
        send(new LifecycleEvent(runId, end.scriptName(), end.type(), end.time(), end.message(), null), timestamp, false);
    }

    /** Whether the record is an end or heartbeat this pairing sent to a run it remembered as open. */
    static boolean paired(Record<String, byte[]> record) {
        return record.headers().lastHeader(PAIRED) != null;
    }

    private static InvalidEventException noOpenRun(String script) {
        return new InvalidEventException("no-open-run", "a heartbeat ping of " + Bounds.quote(script)
                + " without rid, and no run of it started by a ping without rid is open");
    }

    /** The ping as an event of the run it goes to. */
    private static LifecycleEvent event(Ping ping, String runId) {
        return new LifecycleEvent(runId, ping.scriptName(), ping.event(), ping.time(), ping.message(), null);
    }

    /** On to the run's partition; a start there may come after a check that this partition answers for it. */
    private void send(LifecycleEvent event, long timestamp, boolean paired) {
        if (event.type() == EventType.STARTED) {
            startChecks.forwarded(event);
        }
        RecordHeaders headers = new RecordHeaders();
        if (paired) {
            headers.add(PAIRED, new byte[0]);
        }
        emitter.send(event.runId(), EventCodec.bytes(event), headers, timestamp);
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
