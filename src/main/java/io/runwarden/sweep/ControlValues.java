package io.runwarden.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.model.Bounds;
import io.runwarden.model.InvalidEventException;
import io.runwarden.model.Json;
import io.runwarden.model.Trigger;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Reads the value of a control record and checks it as strictly as an event: anyone who can write to
 * {@code script-events} can write one, and a forged part must neither stop the stream nor complete a sweep.
 */
final class ControlValues {
    /**
     * How far a sweep's asOf may lie ahead of this instance's clock and still be taken as it is: clocks of instances
     * that are kept in time differ by far less. A later one is taken as this instance's now (see {@link #checked}).
     */
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(15);
    private static final Logger LOG = LoggerFactory.getLogger(ControlValues.class);

    private final int partitions;
    private final Supplier<Instant> clock;

    ControlValues(int partitions, Supplier<Instant> clock) {
        this.partitions = partitions;
        this.clock = clock;
    }

    /** A request, which must be keyed by its sweepId: the sweep's parts meet on the partition of that id. */
    SweepRequest request(Record<String, byte[]> record) {
        SweepRequest request = checked(read(record, SweepRequest.class));
        if (!request.sweepId().equals(record.key())) {
            throw invalid("a sweep request must be keyed by its sweepId");
        }
        return request;
    }

    SweepRequest marker(Record<String, byte[]> record) {
        return checked(read(record, SweepRequest.class));
    }

    /** The rest of a sweep on this very partition: a continuation names the partition it belongs to. */
    SweepContinuation continuation(Record<String, byte[]> record, int partition) {
        SweepContinuation rest = read(record, SweepContinuation.class);
        if (rest.request() == null || rest.soFar() == null) {
            throw invalid("a sweep continuation needs request and soFar");
        }
        SweepPart soFar = checked(rest.soFar());
        SweepRequest request = checked(rest.request());
        if (soFar.partition() != partition || !soFar.sweepId().equals(request.sweepId())) {
            throw invalid("a sweep continuation must continue its own sweep on its own partition");
        }
        return new SweepContinuation(request, soFar);
    }

    SweepPart part(Record<String, byte[]> record) {
        SweepPart part = checked(read(record, SweepPart.class));
        if (!part.sweepId().equals(record.key())) {
            throw invalid("a sweep part must be keyed by its sweepId");
        }
        return part;
    }

    private SweepRequest checked(SweepRequest request) {
        sweepId(request.sweepId());
        if (request.asOf() == null || request.trigger() == null) {
            throw invalid("a sweep request needs asOf and trigger");
        }
        try {
            Bounds.instant(request.asOf());
            if (request.job() != null) {
                Bounds.id(request.job());
            }
        } catch (IllegalArgumentException e) {
            throw invalid("a sweep request's asOf or job: " + e.getMessage());
        }
        Instant now = clock.get();
        if (request.asOf().isAfter(now.plus(MAX_CLOCK_SKEW))) {
            // A sweep as of a later time would fail runs before their deadline, a false alarm; refusing it would leave
            // this instance's partitions unswept for as long as its clock lags, every alarm of theirs missed. So this
            // partition sweeps as of its own now: the runs due by its clock fail, the rest at a later sweep.
            LOG.atWarn().addKeyValue("sweepId", request.sweepId()).addKeyValue("asOf", request.asOf())
                    .addKeyValue("now", now)
                    .log("A sweep's asOf is more than {} ahead of this instance's clock: swept as of its now instead."
                            + " Are the clocks of runwarden's instances kept in time?", MAX_CLOCK_SKEW);
            return new SweepRequest(request.sweepId(), request.trigger(), now, request.job());
        }
        return request;
    }

    private SweepPart checked(SweepPart part) {
        sweepId(part.sweepId());
        if (part.partition() < 0 || part.partition() >= partitions || part.failed() < 0 || part.entriesExamined() < 0
                || part.failed() > SweepPart.MOST_COUNTED || part.entriesExamined() > SweepPart.MOST_COUNTED
                || part.scriptNames() == null || part.scriptNames().contains(null)) {
            throw invalid("a sweep part needs a partition from 0 to " + (partitions - 1)
                    + ", counts from 0 to " + SweepPart.MOST_COUNTED + " and script names");
        }
        // the home keeps every part in one changelogged record: a part may not list more than its share (twice
        // over, for a part an earlier version counted in characters), or that record would outgrow what Kafka takes
        if (Json.bytes(part.scriptNames()).length > 2 * (SweepPart.LISTED_BYTES / partitions)) {
            throw invalid("a sweep part lists more script names than its share of " + SweepPart.LISTED_BYTES + " bytes");
        }
        return part;
    }

    private static void sweepId(String sweepId) {
        try {
            Bounds.batchId(sweepId);
        } catch (IllegalArgumentException e) {
            throw invalid("sweepId " + e.getMessage());
        }
    }

    private static <T> T read(Record<String, byte[]> record, Class<T> type) {
        try {
            JsonNode node = record.value() == null ? null : Json.MAPPER.readTree(record.value());
            if (node == null || node.isNull()) {
                throw invalid("control record without a value");
            }
            requireTrigger(type == SweepContinuation.class ? node.path("request") : node);
            T value = node.isMissingNode() ? null : Json.MAPPER.treeToValue(node, type); // missing: no JSON at all
            if (value != null) {
                return value;
            }
        } catch (IOException | IllegalArgumentException e) {
            // said below
        }
        throw invalid("control record is not a valid " + type.getSimpleName());
    }

    /** Named in the dead letter: a trigger is one of the wire names, whatever JSON type it comes as. */
    private static void requireTrigger(JsonNode request) {
        JsonNode trigger = request.get("trigger");
        if (trigger != null && !trigger.isNull() && !trigger.isContainerNode()
                && (!trigger.isTextual() || Trigger.fromWireName(trigger.textValue()).isEmpty())) {
            throw invalid("trigger " + Bounds.quote(trigger.asText()) + " is neither scheduled nor manual");
        }
    }

    private static InvalidEventException invalid(String message) {
        return new InvalidEventException("bad-control", message);
    }
}
