package io.runwarden.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.runwarden.model.Alert;
import io.runwarden.model.Bounds;
import io.runwarden.model.CodePointOrder;
import io.runwarden.model.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Every attempt to deliver a notification: written to the application's deliveries topic and counted in
 * {@code runwarden_notifications_total{channel, outcome}}; read back by every instance into a bounded memory of the
 * latest {@value #KEPT}, so that any instance answers {@code GET /notifications/deliveries} for all of them.
 */
public final class DeliveryLog implements AutoCloseable {
    public static final int KEPT = 10_000;
    public static final String NOTIFICATIONS = "runwarden.notifications";
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);
    /** Newest first; ties in a stable order on every instance, so a cursor from one works on another. */
    static final Comparator<DeliveryAttempt> NEWEST_FIRST = Comparator.comparing(DeliveryAttempt::time).reversed()
            .thenComparing(DeliveryAttempt::channel, CodePointOrder.COMPARATOR)
            .thenComparing(DeliveryAttempt::notificationId, CodePointOrder.COMPARATOR)
            .thenComparing(DeliveryAttempt::attempt);

    private final String topic;
    private final MeterRegistry registry;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> reader;
    private final TreeSet<DeliveryAttempt> latest = new TreeSet<>(NEWEST_FIRST);
    private final Thread reading;
    private volatile boolean closing;

    public DeliveryLog(Map<String, Object> clientConfig, String topic, MeterRegistry registry) {
        this.topic = topic;
        this.registry = registry;
        Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> readerConfig = new HashMap<>(clientConfig);
        readerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        reader = new KafkaConsumer<>(readerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        reading = new Thread(this::read, "runwarden-deliveries");
        reading.setDaemon(true);
    }

    public DeliveryLog start() {
        reading.start();
        return this;
    }

    /** Records an attempt: in the topic, the metric and, without any secret, the log. */
    void record(Channel channel, Notification notification, int attempt, DeliveryOutcome outcome, Instant time, Instant next) {
        DeliveryAttempt entry = attempt(channel.name(), notification, attempt, outcome, time, next);
        producer.send(new ProducerRecord<>(topic, channel.name(), Json.bytes(entry)), (metadata, failure) -> {
            if (failure != null) {
                LOG.warn("an attempt to notify channel {} is not in the deliveries log: {}", Bounds.quote(channel.name()),
                        failure.getClass().getSimpleName());
            }
        });
        Counter.builder(NOTIFICATIONS).tag("channel", channel.name()).tag("outcome", outcome.outcome().wireName())
                .description("attempts to deliver notifications, by channel and outcome").register(registry).increment();
        if (outcome.outcome() == DeliveryOutcome.Outcome.DELIVERED) {
            LOG.info("delivered {} to channel {} (attempt {})", Bounds.quote(notification.id()), Bounds.quote(channel.name()), attempt);
        } else {
            LOG.warn("{} {} to channel {} (attempt {}): {}{}", outcome.outcome() == DeliveryOutcome.Outcome.RETRY ? "will retry" : "failed to deliver",
                    Bounds.quote(notification.id()), Bounds.quote(channel.name()), attempt, Bounds.quote(outcome.detail()),
                    next == null ? "" : ", next at " + next);
        }
    }

    static DeliveryAttempt attempt(String channel, Notification notification, int attempt, DeliveryOutcome outcome,
                                   Instant time, Instant next) {
        String kind;
        String script = null;
        String runId = null;
        List<String> scripts = null;
        Integer count = null;
        if (notification instanceof AlertNotification single) {
            Alert alert = single.alert();
            kind = alert.kind().wireName();
            script = alert.scriptName();
            runId = alert.runId();
        } else if (notification instanceof Digest digest) {
            kind = "digest";
            scripts = List.copyOf(digest.countsByScript().keySet());
            count = digest.alerts().size();
        } else {
            kind = "test";
        }
        return new DeliveryAttempt(channel, notification.id(), kind, script, runId, scripts, count, attempt,
                outcome.outcome(), outcome.httpStatus(), outcome.detail(), time, next);
    }

    /**
     * Up to {@code limit} attempts, newest first, of a channel and of a script when given, after {@code after} (the
     * last of the previous page) when given.
     */
    public synchronized List<DeliveryAttempt> page(String channel, String script, DeliveryAttempt after, int limit) {
        Predicate<DeliveryAttempt> wanted = a -> (channel == null || channel.equals(a.channel()))
                && (script == null || script.equals(a.scriptName()) || a.scripts() != null && a.scripts().contains(script));
        List<DeliveryAttempt> page = new ArrayList<>();
        for (DeliveryAttempt attempt : after == null ? latest : latest.tailSet(after, false)) {
            if (page.size() >= limit) {
                break;
            }
            if (wanted.test(attempt)) {
                page.add(attempt);
            }
        }
        return page;
    }

    private void read() {
        try {
            List<TopicPartition> partitions = reader.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            reader.assign(partitions);
            Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
            Map<TopicPartition, Long> begins = reader.beginningOffsets(partitions);
            partitions.forEach(p -> reader.seek(p, Math.max(begins.get(p), ends.get(p) - KEPT)));
            while (!closing) {
                for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(500))) {
                    keep(record);
                }
            }
        } catch (WakeupException closed) {
            // close() asked
        } catch (RuntimeException e) {
            LOG.error("the deliveries log stopped reading {}: GET /notifications/deliveries shows what it had", topic, e);
        } finally {
            reader.close();
        }
    }

    private synchronized void keep(ConsumerRecord<String, byte[]> record) {
        try {
            latest.add(Json.read(record.value(), DeliveryAttempt.class));
            while (latest.size() > KEPT) {
                latest.pollLast();
            }
        } catch (RuntimeException unreadable) {
            LOG.warn("skipped unreadable record {}-{}@{} of the deliveries log", record.topic(), record.partition(), record.offset());
        }
    }

    @Override
    public void close() {
        closing = true;
        reader.wakeup();
        try {
            reading.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
