package io.runwarden.bench;

import io.runwarden.alerts.RunOutcome;
import io.runwarden.model.FailureReason;
import io.runwarden.model.Json;
import io.runwarden.model.RunFailure;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.Trigger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * B2's floor under exactly-once: the least a sweep of K runs must write, and nothing else (no reading, no indexes,
 * no hops). Two transactional producers, as runwarden has two stream threads here, each write half of the runs'
 * records in one transaction, with runwarden's batch size, to a topic partitioned like {@code script-events}; the
 * time runs from the first send to the second commit.
 */
final class WriteFloor implements AutoCloseable {
    static final String TOPIC = "bench-write-floor";
    private static final int PRODUCERS = 2;

    private final List<KafkaProducer<String, byte[]>> producers = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS);

    WriteFloor(BenchKafka kafka, String bootstrap, int partitions) {
        kafka.createTopic(TOPIC, partitions);
        for (int i = 0; i < PRODUCERS; i++) {
            KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-write-floor-" + i + "-" + UUID.randomUUID(),
                    ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                    new StringSerializer(), new ByteArraySerializer());
            producer.initTransactions();
            producers.add(producer);
        }
    }

    /**
     * The records each failed run gets, as runwarden writes them: the run (to its store's changelog and to
     * {@code script-runs}), its {@code failed} event and its alert outcome.
     */
    static List<byte[]> recordsOfAFailedRun(String runId) {
        Instant start = Instant.now().minus(Duration.ofDays(4));
        RunRecord run = RunRecord.builder(runId).scriptName(Workload.script(7)).status(RunStatus.FAILED)
                .startTime(start).endTime(Instant.now()).failureReason(FailureReason.TIMEOUT)
                .deadline(start.plus(Duration.ofDays(3)))
                .message("Script marked as failed - exceeded 3 day timeout").build();
        String sweepId = UUID.randomUUID().toString();
        byte[] runBytes = Json.bytes(run);
        return List.of(runBytes, runBytes, Json.bytes(RunFailure.timeout(run, sweepId, Trigger.MANUAL)),
                Json.bytes(RunOutcome.of(run, sweepId, null)));
    }

    /** Seconds to write {@code records} for each of {@code runs} runs, committed. */
    double write(int runs, List<byte[]> records) throws Exception {
        long began = System.nanoTime();
        List<Future<?>> writing = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            KafkaProducer<String, byte[]> producer = producers.get(p);
            int first = p;
            writing.add(pool.submit(() -> {
                producer.beginTransaction();
                for (int run = first; run < runs; run += PRODUCERS) {
                    for (byte[] record : records) {
                        producer.send(new ProducerRecord<>(TOPIC, "stale-floor-" + run, record));
                    }
                }
                producer.commitTransaction();
                return null;
            }));
        }
        for (Future<?> done : writing) {
            done.get();
        }
        return (System.nanoTime() - began) / 1e9;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        producers.forEach(KafkaProducer::close);
    }
}
