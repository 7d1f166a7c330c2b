package io.runwarden.service;

import io.runwarden.kafka.Topics;
import io.runwarden.model.CronJob;
import io.runwarden.model.Json;
import io.runwarden.schedule.CronSchedule;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** Writes the default cron jobs to {@code cron-config}: the missing ones, or all of them when asked to reset. */
public final class CronConfigSeeder {
    private static final Logger LOG = LoggerFactory.getLogger(CronConfigSeeder.class);
    public static final List<CronJob> DEFAULTS = List.of(CronJob.dailyCleanup());

    private final Map<String, Object> clientConfig;

    /** @param clientConfig the cluster and any pass-through client properties */
    public CronConfigSeeder(Map<String, Object> clientConfig) {
        this.clientConfig = clientConfig;
    }

    /** @return the jobs written */
    public List<CronJob> seed(boolean overwrite) {
        Map<String, byte[]> existing = overwrite ? Map.of() : readAll();
        List<CronJob> written = new ArrayList<>();
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (CronJob job : DEFAULTS) {
                if (!kept(job.name(), existing.get(job.name()))) {
                    producer.send(new ProducerRecord<>(Topics.CRON_CONFIG, job.name(), Json.bytes(job))).get();
                    written.add(job);
                    LOG.info("seeded cron job {} ({} {})", job.name(), job.schedule(), job.zone());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while seeding cron jobs", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write to " + Topics.CRON_CONFIG + ": " + e.getCause().getMessage(), e);
        }
        return written;
    }

    /**
     * Whether the instances keep this value of a job: a record they skip (not JSON, a schedule that never fires) is no
     * job, and must not keep the default from being written, or the cluster goes without its daily sweep.
     */
    private static boolean kept(String name, byte[] value) {
        if (value == null) {
            return false;
        }
        try {
            CronSchedule.kept(name, Json.read(value, CronJob.class), Instant.now());
            return true;
        } catch (RuntimeException e) {
            LOG.warn("cron-config holds a record for {} that no instance can use: the default job is written over it", name);
            return false;
        }
    }

    /** The latest value of every key of the compacted topic, tombstoned keys left out. */
    private Map<String, byte[]> readAll() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, byte[]> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CRON_CONFIG).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        latest.remove(record.key());
                    } else {
                        latest.put(record.key(), record.value());
                    }
                }
            }
        }
        return latest;
    }
}
