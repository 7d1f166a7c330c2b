package io.runwarden.bench;

import io.runwarden.kafka.TopicInitializer;
import io.runwarden.kafka.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What the benchmark does to the broker directly: produce the workload, watch consumer groups, read topics raw. */
final class BenchKafka implements AutoCloseable {
    private final String bootstrap;
    private final Admin admin;
    private final KafkaProducer<String, byte[]> producer;
    /** Sends the broker did not take: counted so that a lost event fails the benchmark at once instead of stalling it. */
    private final AtomicLong failedSends = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    BenchKafka(String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        // not idempotent: on topics just created its first batches met NOT_LEADER_OR_FOLLOWER, and its retries then
        // came back as sequence 0 and were refused (OutOfOrderSequenceException) until they expired; one request in
        // flight keeps each partition's order through retries, which is all the workload needs
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1), new StringSerializer(), new ByteArraySerializer());
    }

    /** The topics runwarden creates at start, created before the workload is produced. */
    void createTopics() {
        new TopicInitializer(admin, java.util.Optional.empty()).ensure(TopicSpec.all("runwarden"), List.of());
    }

    /** An output topic of the baseline app, partitioned like script-runs. */
    void createTopic(String name, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    void deleteTopics(Collection<String> names) {
        try {
            admin.deleteTopics(names).all().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    String bootstrap() {
        return bootstrap;
    }

    void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, e) -> {
            if (e != null) {
                failedSends.incrementAndGet();
                firstFailure.compareAndSet(null, e);
            }
        });
    }

    /** Waits for every send so far; throws if the broker did not take one: the figures would wait for it for ever. */
    void flush() {
        producer.flush();
        if (failedSends.get() > 0) {
            throw new IllegalStateException(failedSends.get() + " records were not written, the first: " + firstFailure.get());
        }
    }

    /** The sum of the end offsets of a topic's partitions: how many records it holds (no transactions on input). */
    long endOffsets(String topic) {
        return offsets(partitions(topic)).values().stream().mapToLong(Long::longValue).sum();
    }

    /** What a consumer group has committed on a topic, summed over partitions. */
    long committed(String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the group has committed everything the topic holds: every event applied and its output committed. */
    void awaitCaughtUp(String group, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (committed(group, topic) < endOffsets(topic)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(group + " did not catch up on " + topic + " within " + timeout);
            }
            Proc.sleep(100);
        }
    }

    /** A read_committed consumer of every partition of {@code topic}, from its current end on: what is written from now. */
    KafkaConsumer<String, byte[]> consumerAtEnd(String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = partitions(topic);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    /** What the consumer has not read yet of what is committed now, up to each partition's last stable offset. */
    List<ConsumerRecord<String, byte[]>> readToEnd(KafkaConsumer<String, byte[]> consumer) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        List<ConsumerRecord<String, byte[]>> records = new java.util.ArrayList<>();
        while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    List<String> topics(String prefix, String suffix) {
        try {
            return admin.listTopics().names().get().stream().filter(t -> t.startsWith(prefix) && t.endsWith(suffix))
                    .sorted().toList();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads every record of the topics from the start with one plain consumer; returns the count. */
    long readAll(Collection<String> topics) {
        List<TopicPartition> partitions = topics.stream().flatMap(t -> partitions(t).stream()).toList();
        Map<TopicPartition, Long> ends = offsets(partitions);
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                count += records.count();
            }
        }
        return count;
    }

    private List<TopicPartition> partitions(String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions) {
        try {
            return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest())))
                    .all().get().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
