package io.runwarden;

import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** A plain Kafka client, as a script or a downstream consumer would use one. */
final class KafkaTestClient implements AutoCloseable {
    private final String bootstrapServers;
    private final KafkaProducer<String, byte[]> producer;
    /** The first send that failed: Kafka reports it to a callback only, {@link #flush()} makes it the test's failure. */
    private final AtomicReference<Exception> failed = new AtomicReference<>();

    KafkaTestClient(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        // a send waits out a broker restart and a loaded machine instead of dropping the event after Kafka's 2 minutes
        int patience = (int) Patience.DRAIN.toMillis();
        // batches of 256 KB: a backlog of a million events is queued several times faster than with the default 16 KB
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, patience, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, patience),
                new StringSerializer(), new ByteArraySerializer());
    }

    void send(String topic, String key, String json) {
        send(topic, key, json == null ? null : json.getBytes(StandardCharsets.UTF_8), null);
    }

    void send(String topic, String key, byte[] value, Headers headers) {
        producer.send(new ProducerRecord<>(topic, null, key, value, headers), this::sent);
    }

    /** Sends to a chosen partition, as a client with another partitioner than Kafka's default would. */
    void sendTo(int partition, String topic, String key, byte[] value, Headers headers) {
        producer.send(new ProducerRecord<>(topic, partition, key, value, headers), this::sent);
    }

    int partitions(String topic) {
        return producer.partitionsFor(topic).size();
    }

    /** Waits until every event sent so far is written; fails if one could not be. */
    void flush() {
        producer.flush();
        Exception failure = failed.get();
        if (failure != null) {
            throw new AssertionError("an event sent was not written", failure);
        }
    }

    private void sent(RecordMetadata metadata, Exception failure) {
        if (failure != null) {
            failed.compareAndSet(null, failure);
        }
    }

    /** Everything committed to the topic so far, read as a downstream consumer with read_committed. */
    List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // partitionsFor, endOffsets and position wait for a busy broker rather than throw after 60 s
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Patience.READ.toMillis());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Patience.READ.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(topic + " not read to its end " + end + " within " + Patience.READ);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /** The latest state of every run on script-runs, by runId. */
    Map<String, RunRecord> latestRuns() {
        Map<String, RunRecord> runs = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : readAll("script-runs")) {
            runs.put(record.key(), Json.read(record.value(), RunRecord.class));
        }
        return runs;
    }

    @Override
    public void close() {
        producer.close();
    }
}
