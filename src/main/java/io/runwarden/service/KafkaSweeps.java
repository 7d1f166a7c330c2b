package io.runwarden.service;

import io.runwarden.kafka.EventPartitions;
import io.runwarden.kafka.Topics;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.Json;
import io.runwarden.model.Trigger;
import io.runwarden.sweep.SweepProgress;
import io.runwarden.sweep.SweepRequest;
import io.runwarden.sweep.SweepResult;
import io.runwarden.sweep.SweepTimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Manual sweeps: a control record on {@code script-events}; the result read back from the sweep's home partition. */
final class KafkaSweeps implements Sweeps {
    /**
     * How often a waiting caller reads a result this instance holds, in the first {@link #QUICK}: a sweep with nothing
     * due takes about 40 ms…
     */
    private static final Duration QUICK_POLL = Duration.ofMillis(3);
    private static final Duration QUICK = Duration.ofSeconds(1);
    /** …and after that, or when another instance holds it (each read an HTTP call to it). */
    private static final Duration POLL = Duration.ofMillis(25);

    private final Producer<String, byte[]> producer;
    private final KafkaStreams streams;
    private final ClusterQueries cluster;
    private final int eventPartitions;
    private final Duration defaultMaxRuntime;
    private final Clock clock;

    KafkaSweeps(Producer<String, byte[]> producer, KafkaStreams streams, ClusterQueries cluster, int eventPartitions,
                Duration defaultMaxRuntime, Clock clock) {
        this.producer = producer;
        this.streams = streams;
        this.cluster = cluster;
        this.eventPartitions = eventPartitions;
        this.defaultMaxRuntime = defaultMaxRuntime;
        this.clock = clock;
    }

    @Override
    public String request() {
        SweepRequest request = new SweepRequest(localSweepId(), Trigger.MANUAL, clock.instant(), null);
        Writes.send(producer, Topics.SCRIPT_EVENTS, request.sweepId(), Json.bytes(request),
                ControlRecord.SWEEP_REQUEST.headers());
        return request.sweepId();
    }

    @Override
    public Optional<SweepProgress> progress(String sweepId) {
        return cluster.sweep(sweepId);
    }

    @Override
    public Preview preview(int limit) {
        Instant asOf = clock.instant();
        return new Preview(asOf, SweepResult.thresholdDate(asOf, defaultMaxRuntime), cluster.due(asOf, limit));
    }

    @Override
    public SweepResult await(String sweepId, Duration timeout) throws SweepTimeoutException, InterruptedException {
        Instant until = Instant.now().plus(timeout);
        long quickUntil = System.nanoTime() + QUICK.toNanos();
        boolean here = EventPartitions.activeHere(streams).contains(EventPartitions.of(sweepId, eventPartitions));
        while (true) {
            Optional<SweepResult> result = poll(sweepId);
            if (result.isPresent()) {
                return result.get();
            }
            if (Instant.now().isAfter(until)) {
                throw new SweepTimeoutException(sweepId);
            }
            boolean quick = here && System.nanoTime() - quickUntil < 0;
            Thread.sleep(quick ? QUICK_POLL.toMillis() : POLL.toMillis());
        }
    }

    /** The result if it is there; a rebalance meanwhile (a moving store, an unreachable owner) only means "not yet". */
    private Optional<SweepResult> poll(String sweepId) {
        try {
            return progress(sweepId).map(SweepProgress::result);
        } catch (Unavailable | InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    /**
     * A sweep completes on the partition its id hashes to: pick an id whose partition this instance owns, so
     * that the caller can read the result here, whichever instance it asked.
     */
    private String localSweepId() {
        List<Integer> local = EventPartitions.activeHere(streams);
        String id = UUID.randomUUID().toString();
        for (int attempt = 0; attempt < 1_000 && !local.isEmpty()
                && !local.contains(EventPartitions.of(id, eventPartitions)); attempt++) {
            id = UUID.randomUUID().toString();
        }
        return id;
    }
}
