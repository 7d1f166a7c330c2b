package io.runwarden.model;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Sweeps travel in-band on {@code script-events}, marked by a header, so that each partition applies a sweep
 * after every event that was already in it: an end event waiting in a backlog is never overtaken by a sweep.
 */
public enum ControlRecord {
    /** Keyed by sweepId: start a sweep (from the API or the scheduler). */
    SWEEP_REQUEST("sweep-request"),
    /** Broadcast to every partition: fail this partition's due runs now. */
    SWEEP_MARKER("sweep-marker"),
    /** Keyed by sweepId, to one partition (header {@link #PARTITION}): the rest of its due runs, after a chunk. */
    SWEEP_CONTINUE("sweep-continue"),
    /** Keyed by sweepId: one partition's share of a sweep, sent back to the sweep's home partition. */
    SWEEP_PART("sweep-part"),
    /** Broadcast by a sweep's home once every part is in: each partition now writes the runs it answered for. */
    SWEEP_DONE("sweep-done"),
    /** Broadcast to every partition by the scheduler: which of these expected slots did a run of yours keep? */
    START_CHECK("start-check"),
    /** Keyed by checkId, to one partition (header {@link #PARTITION}): a check it must answer once it can. */
    START_CHECK_CONTINUE("start-check-continue"),
    /** Keyed by checkId: one partition's answer, sent back to the check's home partition. */
    START_CHECK_PART("start-check-part"),
    /** Keyed by the runId of a missed slot's record: record it on the partition that holds that run. */
    MISSED_SLOT("missed-slot"),
    /**
     * Broadcast by a check's home partition behind the missed slots it found: each partition is then done with the
     * check, and says so to the alerts, so that a channel gets the check's alerts as one digest.
     */
    CHECK_DONE("check-done"),
    /** Keyed by scriptName: a ping without a runId, paired with its run on the script's partition ({@link Ping}). */
    PING("ping");

    public static final String HEADER = "runwarden.control";
    /** The partition a continuation must go back to. */
    public static final String PARTITION = "runwarden.partition";

    /** Looked up for every record runwarden sends back to {@code script-events}. */
    private static final Map<String, ControlRecord> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(c -> c.wireName, c -> c));

    private final String wireName;

    ControlRecord(String wireName) {
        this.wireName = wireName;
    }

    /** Whether the topology's partitioner sends the record to every partition. */
    public boolean broadcast() {
        return this == SWEEP_MARKER || this == SWEEP_DONE || this == START_CHECK || this == CHECK_DONE;
    }

    /** Whether the record goes back to the partition its {@link #PARTITION} header names. */
    public boolean returnsToItsPartition() {
        return this == SWEEP_CONTINUE || this == START_CHECK_CONTINUE;
    }

    /** Whether the record belongs to the partition of its key, as an event does, so that a misrouted one is moved. */
    public boolean keyed() {
        return this == SWEEP_REQUEST || this == MISSED_SLOT || this == PING;
    }

    /** Whether the record is part of a sweep, rather than of a missed-start check. */
    public boolean sweep() {
        return this == SWEEP_REQUEST || this == SWEEP_MARKER || this == SWEEP_CONTINUE || this == SWEEP_PART
                || this == SWEEP_DONE;
    }

    /**
     * Whether the next step of a sweep or a check waits for this record, sent on to another partition or to its own
     * later: it is committed once sent, not at the next commit interval, which each of a sweep's three hops waited
     * for. Pings and missed slots come in numbers, and nothing waits on one; a sweep's end only lets its runs be
     * written, which its task's next commit (within 100 ms) does as well, and its ask would take one from the next
     * sweep's hops.
     */
    public boolean awaited() {
        return this != PING && this != MISSED_SLOT && this != SWEEP_DONE;
    }

    public Headers headers() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER, wireName.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** The partition named by a continuation's header, if any. */
    public static Optional<Integer> targetPartition(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(PARTITION);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The control record a header names, if it names one runwarden knows. */
    public static Optional<ControlRecord> known(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(HEADER);
        String name = header == null || header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
        return Optional.ofNullable(BY_WIRE_NAME.get(name));
    }

    /**
     * @return empty for a lifecycle event (no control header)
     * @throws InvalidEventException for a control header naming nothing runwarden knows
     */
    public static Optional<ControlRecord> of(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(HEADER);
        if (header == null) {
            return Optional.empty();
        }
        return Optional.of(known(headers).orElseThrow(() -> new InvalidEventException("unknown-control",
                "header " + HEADER + " names no known control record: "
                        + Bounds.quote(header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8)))));
    }
}
