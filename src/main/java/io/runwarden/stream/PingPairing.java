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
import java.util.stream.LongStream;

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
     * Marks an end or heartbeat this pairing sent to a run it remembers as open, with the offset of that run's start
     * ping ({@link PingRuns}). The run's partition knows better: a sweep may have timed it out, or an event naming its
     * runId ended it, since ({@link #unpaired}).
     */
    static final String PAIRED = "runwarden.ping.paired";
    /** On a ping handed back by a run's partition: the run it went to, which is not open, to forget before pairing. */
    static final String CLOSED = "runwarden.ping.closed";
    /**
     * On a ping handed back: the offset of the start of the run it went to. It is paired again with a run opened
     * before that one, as it would have been had that run been closed when it arrived, not with one a start ping that
     * came meanwhile opened.
     */
    static final String BEFORE = "runwarden.ping.before";

    /**
     * The runs a script's pings opened and no ping ended yet, oldest first, with the offset of each one's start ping
     * on the script's partition: its number. Records written before starts were numbered get numbers below any offset.
     */
    record PingRuns(List<String> open, List<Long> starts) {
        PingRuns {
            open = open == null ? List.of() : open;
            if (starts == null || starts.size() != open.size()) {
                starts = LongStream.range(-open.size(), 0).boxed().toList();
            }
        }
    }

    private final KeyValueStore<String, PingRuns> store;
    private final Emitter emitter;
    private final StartChecks startChecks;

    PingPairing(KeyValueStore<String, PingRuns> store, Emitter emitter, StartChecks startChecks) {
        this.store = store;
        this.emitter = emitter;
        this.startChecks = startChecks;
    }

    /** @param offset the ping's offset on the script's partition */
    void handle(Record<String, byte[]> record, long offset) {
        Ping ping = checked(record);
        PingRuns runs = store.get(ping.scriptName());
        List<String> open = new ArrayList<>(runs == null ? List.of() : runs.open());
        List<Long> starts = new ArrayList<>(runs == null ? List.of() : runs.starts());
        Header closed = record.headers().lastHeader(CLOSED);
        if (closed != null && closed.value() != null) {
            int at = open.indexOf(new String(closed.value(), StandardCharsets.UTF_8));
            if (at >= 0) {
                open.remove(at);
                starts.remove(at);
            }
        }
        int latest = latestBefore(starts, number(record.headers().lastHeader(BEFORE)));
        switch (ping.event()) {
            case STARTED -> {
                open.add(ping.runId());
                starts.add(offset);
                if (open.size() > MAX_OPEN) {
                    open.remove(0);
                    starts.remove(0);
                }
                send(event(ping, ping.runId()), record.timestamp(), null);
            }
            case HEARTBEAT -> {
                if (latest < 0) {
                    save(ping.scriptName(), open, starts); // a closed run it came back without is forgotten all the same
                    throw noOpenRun(ping.scriptName());
                }
                send(event(ping, open.get(latest)), record.timestamp(), starts.get(latest));
            }
            case SUCCEEDED, FAILED -> {
                if (latest < 0) {
                    startedAndEnded(event(ping, null), record.timestamp());
                } else {
                    long start = starts.remove(latest);
                    send(event(ping, open.remove(latest)), record.timestamp(), start);
                }
            }
        }
        save(ping.scriptName(), open, starts);
    }

    /** The index of the most recent open run whose start came before offset {@code before} (any, if null); -1 if none. */
    private static int latestBefore(List<Long> starts, Long before) {
        int at = starts.size() - 1;
        while (at >= 0 && before != null && starts.get(at) >= before) {
            at--;
        }
        return at;
    }

    private void save(String script, List<String> open, List<Long> starts) {
        if (open.isEmpty()) {
            store.delete(script);
        } else {
            store.put(script, new PingRuns(open, starts));
        }
    }

    /**
     * A paired end or heartbeat its run, on its own partition, does not take (the run is gone, was ended by an event
     * naming it, or, for a heartbeat, timed out; an end of a timed-out run is its late completion, once): back to its
     * script's partition as the ping it was, to be paired again with a run opened before that one. So it goes to the
     * most recent such run still open, and an end with none is a run of its own, alerted, instead of vanishing unseen.
     * @param closed whether the run takes no end either, and is forgotten; a run a sweep timed out keeps its place
     *               for the end that is its late completion, whatever heartbeat came first
     */
    void unpaired(LifecycleEvent event, Record<String, byte[]> paired, long timestamp, boolean closed) {
        RecordHeaders headers = new RecordHeaders(ControlRecord.PING.headers().toArray());
        if (closed) {
            headers.add(CLOSED, event.runId().getBytes(StandardCharsets.UTF_8));
        }
        Header start = paired.headers().lastHeader(PAIRED);
        if (number(start) != null) {
            headers.add(BEFORE, start.value());
        }
        Ping again = new Ping(event.scriptName(), event.type(), null, event.time(), event.message());
        emitter.send(event.scriptName(), Json.bytes(again), headers, timestamp);
    }

    /** An end with no open run: a run of its own that started and ended at that instant. */
    private void startedAndEnded(LifecycleEvent end, long timestamp) {
        String runId = UUID.randomUUID().toString();
        send(new LifecycleEvent(runId, end.scriptName(), EventType.STARTED, end.time(), null, null), timestamp, null);
        send(new LifecycleEvent(runId, end.scriptName(), end.type(), end.time(), end.message(), null), timestamp, null);
    }

    /** Whether the record is an end or heartbeat this pairing sent to a run it remembered as open. */
    static boolean paired(Record<String, byte[]> record) {
        return record.headers().lastHeader(PAIRED) != null;
    }

    /** A start's offset as a header carries it; null if there is none, as on records from before starts were numbered. */
    private static Long number(Header header) {
        try {
            return header == null || header.value() == null ? null : Long.valueOf(new String(header.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static InvalidEventException noOpenRun(String script) {
        return new InvalidEventException("no-open-run", "a heartbeat ping of " + Bounds.quote(script)
                + " without rid, and no run of it started by a ping without rid is open");
    }

    /** The ping as an event of the run it goes to. */
    private static LifecycleEvent event(Ping ping, String runId) {
        return new LifecycleEvent(runId, ping.scriptName(), ping.event(), ping.time(), ping.message(), null);
    }

    /**
     * On to the run's partition; a start there may come after a check that this partition answers for it.
     * @param start the offset of the start of the run an end or heartbeat was paired with, null if it was not
     */
    private void send(LifecycleEvent event, long timestamp, Long start) {
        if (event.type() == EventType.STARTED) {
            startChecks.forwarded(event);
        }
        RecordHeaders headers = new RecordHeaders();
        if (start != null) {
            headers.add(PAIRED, Long.toString(start).getBytes(StandardCharsets.UTF_8));
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
