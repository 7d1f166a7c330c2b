package io.runwarden.bench;

import io.runwarden.alerts.RunOutcome;
import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.FailureReason;
import io.runwarden.model.Json;
import io.runwarden.model.RunFailure;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.Trigger;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
 * records in one transaction, each kind of record to a topic of its own partitioned like {@code script-events},
 * with runwarden's batch size and an input offset committed with it as a Streams transaction does; the time runs
 * from the first send to the second commit.
 */
final class WriteFloor implements AutoCloseable {
    private static final int PRODUCERS = 2;

    /** A record a failed run gets, and the topic standing in for where runwarden writes it. */
    record Written(String topic, byte[] value) {
    }

    private static final String OUTCOMES = "bench-floor-outcomes";

    private final BenchKafka kafka;
    private final int partitions;
    private final List<Written> records = recordsOfAFailedRun();
    private final byte[] outcome = Json.bytes(RunOutcome.of(Json.read(records.get(0).value(), RunRecord.class),
            UUID.randomUUID().toString(), null));
    private final List<String> topics = java.util.stream.Stream.concat(records.stream().map(Written::topic),
            java.util.stream.Stream.of(OUTCOMES)).toList();
    private final List<KafkaProducer<String, byte[]>> producers = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS);

    WriteFloor(BenchKafka kafka, String bootstrap, int partitions) {
        this.kafka = kafka;
        this.partitions = partitions;
        topics.forEach(topic -> kafka.createTopic(topic, partitions));
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

    /** The records each failed run gets, as runwarden writes them: {@link #recordsOfAFailedRun}. */
    List<Written> records() {
        return records;
    }

    /** What DESIGN.md asks for each failed run: its state on script-runs, its failed event and its alert. */
    List<Written> contractRecords() {
        return List.of(records.get(1), records.get(2), records.get(3));
    }

    /**
     * In this order: the run to its store's changelog and to {@code script-runs}, its {@code failed} event, then the
     * alert on {@code script-alerts} and on the notifiers' feed. Its outcome goes with the others of its partition of
     * the alert outcomes, in a JSON array ({@link #write} with outcomes).
     */
    private static List<Written> recordsOfAFailedRun() {
        Instant start = Instant.now().minus(Duration.ofDays(4));
        RunRecord run = RunRecord.builder("stale-floor-1").scriptName(Workload.script(7)).status(RunStatus.FAILED)
                .startTime(start).endTime(Instant.now()).failureReason(FailureReason.TIMEOUT)
                .deadline(start.plus(Duration.ofDays(3)))
                .message("Script marked as failed - exceeded 3 day timeout").build();
        String sweepId = UUID.randomUUID().toString();
        byte[] runBytes = Json.bytes(run);
        byte[] alert = Json.bytes(Alert.of(AlertKind.TIMEOUT, run.scriptName(), run.runId(), run.endTime(),
                run.message(), sweepId, null));
        return List.of(new Written("bench-floor-runs-changelog", runBytes), new Written("bench-floor-script-runs", runBytes),
                new Written("bench-floor-failures", Json.bytes(RunFailure.timeout(run, sweepId, Trigger.MANUAL))),
                new Written("bench-floor-script-alerts", alert), new Written("bench-floor-alert-feed", alert));
    }

    /**
     * Seconds to write {@code records} for each of {@code runs} runs, committed; with {@code outcomes}, each producer
     * also writes its runs' outcomes as runwarden gathers them, an array to each partition.
     */
    double write(int runs, List<Written> records, boolean outcomes) throws Exception {
        long began = System.nanoTime();
        List<Future<?>> writing = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            KafkaProducer<String, byte[]> producer = producers.get(p);
            int first = p;
            writing.add(pool.submit(() -> {
                producer.beginTransaction();
                for (int run = first; run < runs; run += PRODUCERS) {
                    for (Written record : records) {
                        producer.send(new ProducerRecord<>(record.topic(), "stale-floor-" + run, record.value()));
                    }
                }
                if (outcomes) {
                    int each = runs / PRODUCERS / partitions;
                    byte[] array = outcomeArray(each);
                    for (int partition = 0; partition < partitions; partition++) {
                        producer.send(new ProducerRecord<>(OUTCOMES, partition, "stale-floor-" + partition, array));
                    }
                }
                producer.sendOffsetsToTransaction(Map.of(new TopicPartition(topics.get(0), first), new OffsetAndMetadata(0)),
                        new ConsumerGroupMetadata("bench-write-floor"));
                producer.commitTransaction();
                return null;
            }));
        }
        for (Future<?> done : writing) {
            done.get();
        }
        return (System.nanoTime() - began) / 1e9;
    }

    /** {@code count} outcomes as one JSON array. */
    private byte[] outcomeArray(int count) {
        java.io.ByteArrayOutputStream array = new java.io.ByteArrayOutputStream();
        array.write('[');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                array.write(',');
            }
            array.writeBytes(outcome);
        }
        array.write(']');
        return array.toByteArray();
    }

    /** Leaves the broker as it was: the later parts run on it. */
    @Override
    public void close() {
        pool.shutdownNow();
        producers.forEach(KafkaProducer::close);
        kafka.deleteTopics(topics);
    }
}
