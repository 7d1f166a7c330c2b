package io.runwarden;

import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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

/** A plain Kafka client, as a script or a downstream consumer would use one. */
final class KafkaTestClient implements AutoCloseable {
    private final String bootstrapServers;
    private final KafkaProducer<String, byte[]> producer;

    KafkaTestClient(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer());
    }

    void send(String topic, String key, String json) {
        send(topic, key, json == null ? null : json.getBytes(StandardCharsets.UTF_8), null);
    }

    void send(String topic, String key, byte[] value, Headers headers) {
        producer.send(new ProducerRecord<>(topic, null, key, value, headers));
    }

    /** Sends to a chosen partition, as a client with another partitioner than Kafka's default would. */
    void sendTo(int partition, String topic, String key, byte[] value, Headers headers) {
        producer.send(new ProducerRecord<>(topic, partition, key, value, headers));
    }

    void flush() {
        producer.flush();
    }

    /** Everything committed to the topic so far, read as a downstream consumer with read_committed. */
    List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
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
