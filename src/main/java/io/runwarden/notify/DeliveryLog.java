package io.runwarden.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.runwarden.kafka.TopicTail;
import io.runwarden.model.Alert;
import io.runwarden.model.Bounds;
import io.runwarden.model.CodePointOrder;
import io.runwarden.model.Json;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    public static final Comparator<DeliveryAttempt> NEWEST_FIRST = Comparator.comparing(DeliveryAttempt::time).reversed()
            .thenComparing(DeliveryAttempt::channel, CodePointOrder.COMPARATOR)
            .thenComparing(DeliveryAttempt::notificationId, CodePointOrder.COMPARATOR)
            .thenComparing(DeliveryAttempt::attempt);

    private final String topic;
    private final MeterRegistry registry;
    private final KafkaProducer<String, byte[]> producer;
    private final TopicTail<DeliveryAttempt> latest;

    public DeliveryLog(Map<String, Object> clientConfig, String topic, MeterRegistry registry) {
        this.topic = topic;
        this.registry = registry;
        Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        latest = new TopicTail<>(clientConfig, topic, KEPT, NEWEST_FIRST, DeliveryLog::read, "runwarden-deliveries");
    }

    public DeliveryLog start() {
        latest.start();
        return this;
    }

    /** Records an attempt: in the topic, the metric and, without any secret, the log. */
    public void record(Channel channel, Notification notification, int attempt, DeliveryOutcome outcome, Instant time, Instant next) {
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
            // a test send is never retried, whatever its outcome says of an alert's
            LOG.warn("{} {} to channel {} (attempt {}): {}{}", next != null ? "will retry" : "failed to deliver",
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

    /** A page of the attempts this instance has read, every instance's included. */
    public DeliveryPage page(DeliveriesQuery query) {
        return DeliveryPage.of(latest.page(query::matches, query.after(), query.limit() + 1), query.limit());
    }

    /** Whether this instance has read an attempt of the notification back from the deliveries topic. */
    public boolean holds(String notificationId) {
        return !latest.page(attempt -> notificationId.equals(attempt.notificationId()), null, 1).isEmpty();
    }

    /** Each channel's summary of the attempts in memory; a channel without any has none here. */
    public Map<String, DeliverySummary> summaries(Instant now) {
        return DeliverySummary.byChannel(latest.page(attempt -> true, null, KEPT), now);
    }

    /** One channel's summary, from its own attempts only. */
    public DeliverySummary summary(String channel, Instant now) {
        return DeliverySummary.byChannel(latest.page(attempt -> channel.equals(attempt.channel()), null, KEPT), now)
                .getOrDefault(channel, DeliverySummary.NONE);
    }

    private static DeliveryAttempt read(byte[] value) {
        DeliveryAttempt attempt = Json.read(value, DeliveryAttempt.class);
        if (attempt.time() == null || attempt.channel() == null || attempt.notificationId() == null || attempt.outcome() == null) {
            throw new IllegalArgumentException("an attempt needs its time, channel, notification and outcome");
        }
        return attempt;
    }

    @Override
    public void close() {
        latest.close();
        producer.close(Duration.ofSeconds(10));
    }
}
