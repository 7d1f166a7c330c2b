package io.runwarden.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The latest records of a topic, in memory: a daemon thread reads every partition (no group, so every instance holds
 * all of them) from at most {@code kept} records back, then follows the topic; the memory keeps the first
 * {@code kept} values in {@code order} and drops the rest. Values that compare equal are one (a replayed record).
 * Read committed, so that an aborted transaction's records never show.
 */
public final class TopicTail<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final String topic;
    private final int kept;
    private final Function<byte[], T> reader;
    private final KafkaConsumer<String, byte[]> consumer;
    private final TreeSet<T> latest;
    private final Thread reading;
    private volatile boolean closing;

    /**
     * @param reader reads a record's value, or throws when it cannot: such a record is skipped with a log line; it
     *               must refuse a value {@code order} cannot compare
     */
    public TopicTail(Map<String, Object> clientConfig, String topic, int kept, Comparator<? super T> order,
                     Function<byte[], T> reader, String threadName) {
        this.topic = topic;
        this.kept = kept;
        this.reader = reader;
        this.latest = new TreeSet<>(order);
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        reading = new Thread(this::read, threadName);
        reading.setDaemon(true);
    }

    public TopicTail<T> start() {
        reading.start();
        return this;
    }

    /** Up to {@code limit} values in order that {@code wanted} takes, after {@code after} when given. */
    public synchronized List<T> page(Predicate<? super T> wanted, T after, int limit) {
        List<T> page = new ArrayList<>();
        for (T value : after == null ? latest : latest.tailSet(after, false)) {
            if (page.size() >= limit) {
                break;
            }
            if (wanted.test(value)) {
                page.add(value);
            }
        }
        return page;
    }

    private void read() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
            partitions.forEach(p -> consumer.seek(p, Math.max(begins.get(p), ends.get(p) - kept)));
            while (!closing) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    keep(record);
                }
            }
        } catch (WakeupException closed) {
            // close() asked
        } catch (RuntimeException e) {
            LOG.error("stopped reading {}: its answers show what was read so far", topic, e);
        } finally {
            consumer.close();
        }
    }

    synchronized void keep(ConsumerRecord<String, byte[]> record) {
        T value;
        try {
            value = reader.apply(record.value());
        } catch (RuntimeException unreadable) {
            LOG.warn("skipped unreadable record {}-{}@{}", record.topic(), record.partition(), record.offset());
            return;
        }
        latest.add(value);
        while (latest.size() > kept) {
            latest.pollLast();
        }
    }

    @Override
    public void close() {
        closing = true;
        if (reading.getState() == Thread.State.NEW) {
            consumer.close(); // never started: no thread to close it
            return;
        }
        consumer.wakeup();
        try {
            reading.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
