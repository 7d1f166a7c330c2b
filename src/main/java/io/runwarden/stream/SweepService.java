package io.runwarden.stream;

import io.runwarden.kafka.Topics;
import io.runwarden.model.Json;
import io.runwarden.model.SweepProgress;
import io.runwarden.model.SweepRequest;
import io.runwarden.model.SweepResult;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.concurrent.ExecutionException;

/**
 * Manual sweeps for callers such as the HTTP layer. A request travels the same path as a scheduled one: a
 * control record on {@code script-events}; the result is read back from the sweep's home partition.
 */
public final class SweepService {
    private static final Duration POLL = Duration.ofMillis(25);

    private final Producer<String, byte[]> producer;
    private final KafkaStreams streams;
    private final int eventPartitions;
    private final Clock clock;

    public SweepService(Producer<String, byte[]> producer, KafkaStreams streams, int eventPartitions, Clock clock) {
        this.producer = producer;
        this.streams = streams;
        this.eventPartitions = eventPartitions;
        this.clock = clock;
    }

    /** Requests a sweep as of now; returns its id once the request is durably written. */
    public String request() {
        SweepRequest request = new SweepRequest(localSweepId(), SweepRequest.MANUAL, clock.instant(), null);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.SCRIPT_EVENTS, null, request.sweepId(),
                Json.bytes(request), ControlRecords.SWEEP_REQUEST.headers());
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while requesting a sweep", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot request a sweep: " + e.getCause().getMessage(), e.getCause());
        }
        return request.sweepId();
    }

    /** Requests a sweep and waits up to {@code timeout} for every partition's part. */
    public SweepResult sweep(Duration timeout) throws SweepTimeoutException, InterruptedException {
        String sweepId = request();
        return await(sweepId, timeout);
    }

    public SweepResult await(String sweepId, Duration timeout) throws SweepTimeoutException, InterruptedException {
        return await(sweepId, timeout, () -> result(sweepId));
    }

    /** Waits for a result looked up by {@code lookup}, e.g. on whichever instance holds the sweep. */
    public SweepResult await(String sweepId, Duration timeout, Supplier<Optional<SweepResult>> lookup)
            throws SweepTimeoutException, InterruptedException {
        Instant until = Instant.now().plus(timeout);
        while (true) {
            Optional<SweepResult> result = lookup.get();
            if (result.isPresent()) {
                return result.get();
            }
            if (Instant.now().isAfter(until)) {
                throw new SweepTimeoutException(sweepId);
            }
            Thread.sleep(POLL.toMillis());
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
                && !local.contains(EventsPartitioner.partitionOf(id, eventPartitions)); attempt++) {
            id = UUID.randomUUID().toString();
        }
        return id;
    }

    /** The result of a completed sweep held by this instance; empty while it runs or when unknown here. */
    public Optional<SweepResult> result(String sweepId) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return Optional.empty();
        }
        ReadOnlyKeyValueStore<String, SweepProgress> sweeps = streams.store(
                StoreQueryParameters.fromNameAndType(Stores.SWEEPS, QueryableStoreTypes.keyValueStore()));
        return Optional.ofNullable(sweeps.get(sweepId)).map(SweepProgress::result);
    }
}
