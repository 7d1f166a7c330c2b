package io.runwarden.notify;

import io.runwarden.alerts.BatchDone;
import io.runwarden.model.Alert;
import io.runwarden.model.Bounds;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Delivers the alert feed to one channel, from this instance while it owns the channel's group: in the feed's order,
 * each notification until it is delivered or given up, and commits in Kafka only what is settled, so a restart or a
 * failover goes on from there. While a notification waits for its retry, the worker reads nothing more: a channel
 * that is down for a day holds only its own place in the feed, never the other channels', and no memory.
 */
final class ChannelWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelWorker.class);
    /** How long a poll waits when nothing is due: a waiting batch's deadline is checked this often. */
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    /** How often a channel commits how far it read when it sent nothing: the feed moves with other channels' alerts. */
    private static final Duration PASSING_COMMIT = Duration.ofSeconds(5);
    /** The consumer's own default for max.poll.interval.ms. */
    private static final long DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;
    /** How long a worker whose consumer failed waits before it starts a new one. */
    private static final Duration RESTART = Duration.ofSeconds(5);

    private final String feed;
    private final int feedPartitions;
    private final Map<String, Object> consumerConfig;
    private final Sender sender;
    private final DeliveryLog log;
    private final Clock clock;
    /**
     * How long the worker sends before it polls again: a third of the consumer's max.poll.interval.ms. A backlog sent
     * to a slow receiver without polling outlasted it: the group dropped the worker, its commit failed, and it sent
     * the same alerts again from the last commit, and again, while those behind them waited.
     */
    private final Duration sendBudget;
    private volatile Channel channel;
    /** Set when the channel's settings change: a retry waiting for the old ones is due at once (a mended URL). */
    private volatile boolean changed;
    private volatile boolean stopping;
    private KafkaConsumer<String, byte[]> consumer;
    private ChannelOutbox outbox;
    private Retry retry;
    /** What the channel's last owner left of a notification's attempts, until the first notification is due. */
    private Attempts carried;
    /** What this consumer committed last, and when: nothing to commit again while it has not moved. */
    private Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
    private Instant committedAt = Instant.EPOCH;
    /** A notification was settled, or the channel is handed on: commit at once. Records read and routed nowhere can wait. */
    private boolean commitNow;
    private boolean sendingBehind;

    /** The notification at the head of the outbox is waiting for its next attempt. */
    private record Retry(ChannelOutbox.Ready ready, Attempts attempts) {
        Retry dueAt(Instant when) {
            return new Retry(ready, attempts.dueAt(when));
        }

        Instant next() {
            return attempts.next();
        }
    }

    ChannelWorker(Channel channel, String feed, int feedPartitions, Map<String, Object> consumerConfig, Sender sender,
                  DeliveryLog log, Clock clock) {
        this.channel = channel;
        this.feed = feed;
        this.feedPartitions = feedPartitions;
        this.consumerConfig = consumerConfig;
        this.sender = sender;
        this.log = log;
        this.clock = clock;
        Object maxPollInterval = consumerConfig.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        this.sendBudget = Duration.ofMillis((maxPollInterval == null ? DEFAULT_MAX_POLL_INTERVAL_MS
                : Long.parseLong(maxPollInterval.toString())) / 3);
    }

    /** The channel's group: a channel made again under the same name starts afresh, not where the old one stopped. */
    static String groupId(String applicationId, Channel channel) {
        Instant created = channel.createdAt() == null ? Instant.EPOCH : channel.createdAt();
        return applicationId + "-notify-" + channel.name() + "-" + created.toEpochMilli();
    }

    Channel channel() {
        return channel;
    }

    /**
     * A change of the channel's settings (not its type): the next notification goes where it says, and one waiting
     * for its retry goes now. Whoever changes a channel that failed is most likely mending it, and a retry may wait
     * up to an hour.
     */
    void update(Channel settings) {
        channel = settings;
        changed = true;
    }

    void stop() {
        stopping = true;
        KafkaConsumer<String, byte[]> running = consumer;
        if (running != null) {
            running.wakeup();
        }
    }

    @Override
    public void run() {
        while (!stopping) {
            outbox = new ChannelOutbox(feedPartitions, channel.type().digests());
            retry = null;
            carried = null;
            sendingBehind = false;
            committed = Map.of();
            try (KafkaConsumer<String, byte[]> created = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer = created;
                consumer.subscribe(List.of(feed), new Ownership());
                deliver();
            } catch (RuntimeException e) {
                // nothing may silence a channel: a new consumer goes on from what was committed
                LOG.error("the notifier of channel {} failed; it starts again in {}", Bounds.quote(channel.name()), RESTART, e);
                sleep(RESTART);
            }
        }
    }

    /** Reads, delivers and commits until stopped. */
    private void deliver() {
        while (!stopping) {
            try {
                Duration wait = sendingBehind ? Duration.ZERO
                        : retry == null ? IDLE_POLL : clamp(Duration.between(clock.instant(), retry.next()));
                for (ConsumerRecord<String, byte[]> record : consumer.poll(wait)) {
                    take(record);
                }
                sendingBehind = deliverDue();
                commitSettled();
            } catch (WakeupException woken) {
                // stop() asked: the loop condition says so
            }
        }
        commitNow = true;
        commitSettled();
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        Instant now = clock.instant();
        try {
            if (record.headers().lastHeader(BatchDone.HEADER) != null) {
                BatchDone end = FeedRecords.batchEnd(record.value());
                outbox.batchEnd(record.partition(), record.offset(), end.batchId(), now);
                return;
            }
            Alert alert = FeedRecords.alert(record.value());
            if (ChannelRules.routes(channel, alert)) {
                outbox.alert(record.partition(), record.offset(), alert);
            }
        } catch (RuntimeException unreadable) {
            // only runwarden writes the feed; a record it did not write is skipped rather than stop or hold the channel
            LOG.warn("skipped record {}-{}@{} of the alert feed for channel {}: {}", record.topic(), record.partition(),
                    record.offset(), Bounds.quote(channel.name()), Bounds.quote(unreadable.getMessage()));
        }
    }

    /**
     * Sends what is due, in order, until the outbox is empty, waits for a batch, or waits to retry, or the send budget
     * is spent.
     * @return whether more is due now: the budget was spent, and the worker polls (fetching nothing) and goes on
     */
    private boolean deliverDue() {
        Instant began = clock.instant();
        while (!stopping) {
            Instant now = clock.instant();
            if (changed) {
                changed = false;
                retry = retry == null ? null : retry.dueAt(now);
            }
            if (retry != null && now.isBefore(retry.next())) {
                consumer.pause(consumer.assignment());
                return false;
            }
            Optional<ChannelOutbox.Ready> next = retry != null ? Optional.of(retry.ready()) : outbox.next(now);
            if (next.isEmpty()) {
                consumer.resume(consumer.assignment());
                return false;
            }
            if (Duration.between(began, now).compareTo(sendBudget) >= 0) {
                consumer.pause(consumer.assignment());
                return true;
            }
            ChannelOutbox.Ready ready = next.get();
            Channel target = channel;
            // the channel may have changed since these were read (disabled, or narrowed to other scripts or kinds)
            List<Alert> routed = ready.alerts().stream().filter(alert -> ChannelRules.routes(target, alert)).toList();
            if (routed.isEmpty()) {
                LOG.info("channel {} no longer takes {}: not sent", Bounds.quote(target.name()), ready.alerts().get(0).alertId());
                settle(ready);
                continue;
            }
            Notification notification = ready.digest() ? Digest.of(routed, ready.part()) : new AlertNotification(routed.get(0));
            if (retry == null && carried != null) {
                Attempts before = carried;
                carried = null;
                if (before.id().equals(notification.id())) {
                    // as the last owner left it, due when it was; at once if the channel changed since (mended)
                    retry = new Retry(ready, before);
                    if (!before.settings().equals(Attempts.settingsOf(target))) {
                        retry = retry.dueAt(now);
                    }
                    continue;
                }
            }
            int attempt = retry == null ? 1 : retry.attempts().count() + 1;
            Instant first = retry == null ? now : retry.attempts().first();
            DeliveryOutcome outcome = sender.send(target, notification);
            Instant after = clock.instant();
            Optional<Instant> again = outcome.outcome() == DeliveryOutcome.Outcome.RETRY
                    ? Backoff.next(first, attempt, outcome.retryAfter(), after) : Optional.empty();
            if (outcome.outcome() == DeliveryOutcome.Outcome.RETRY && again.isEmpty()) {
                outcome = DeliveryOutcome.failed(outcome.httpStatus(), "given up after " + attempt + " attempts in "
                        + Backoff.GIVE_UP_AFTER.toHours() + " h: " + outcome.detail());
            }
            log.record(target, notification, attempt, outcome, after, again.orElse(null));
            if (again.isPresent()) {
                retry = new Retry(ready, new Attempts(notification.id(), attempt, first, again.get(), Attempts.settingsOf(target)));
                commitNow = true; // with the attempts, so that the next owner goes on counting
                continue;
            }
            settle(ready);
        }
        return false;
    }

    /** The notification is done with, sent or not: the outbox moves past it, and the channel commits at once. */
    private void settle(ChannelOutbox.Ready ready) {
        retry = null;
        outbox.settled(ready);
        commitNow = true;
    }

    /**
     * Commits how far the channel is settled whenever that moved: past what it sent, and past what it read and routed
     * nowhere. A channel that sends nothing for days (disabled, or its scripts match nothing) must not leave its
     * next owner to start again where the channel was made, and send days of old alerts once it is widened.
     */
    private void commitSettled() {
        Instant now = clock.instant();
        if (consumer.assignment().isEmpty() || !commitNow && now.isBefore(committedAt.plus(PASSING_COMMIT))) {
            return;
        }
        Map<Integer, Long> positions = consumer.assignment().stream()
                .collect(Collectors.toMap(TopicPartition::partition, consumer::position));
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        String attempts = retry == null ? "" : retry.attempts().encode();
        outbox.committable(positions).forEach((partition, offset) ->
                offsets.put(new TopicPartition(feed, partition), new OffsetAndMetadata(offset, attempts)));
        if (offsets.equals(committed)) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            committed = offsets;
            committedAt = now;
            commitNow = false;
        } catch (RebalanceInProgressException | CommitFailedException | TimeoutException notNow) {
            // committed with the next settled notification, or by the next owner from what it reads again
            LOG.warn("channel {} commits later: {}", Bounds.quote(channel.name()), notNow.getClass().getSimpleName());
        }
    }

    private static Duration clamp(Duration wait) {
        return wait.isNegative() ? Duration.ZERO : wait.compareTo(IDLE_POLL) > 0 ? IDLE_POLL : wait;
    }

    /** Taking the channel over, and handing it on. */
    private final class Ownership implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                commitNow = true;
                commitSettled();
            }
            outbox.clear();
            retry = null;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            // a channel's first owner starts where the channel was made: what was raised before is not its to send
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
            carried = committed.values().stream().filter(Objects::nonNull)
                    .map(offset -> Attempts.decode(offset.metadata())).filter(Objects::nonNull).findFirst().orElse(null);
            Map<TopicPartition, Long> fresh = partitions.stream().filter(p -> committed.get(p) == null)
                    .collect(Collectors.toMap(p -> p, p -> channel.createdAt() == null ? Long.MAX_VALUE : channel.createdAt().toEpochMilli()));
            if (fresh.isEmpty()) {
                return;
            }
            // the ends first: an alert committed between the two calls is past an end taken after the search found
            // nothing, and would be skipped; one taken before it holds only what the search saw as older than the channel
            Map<TopicPartition, Long> ends = consumer.endOffsets(fresh.keySet());
            Map<TopicPartition, OffsetAndTimestamp> byTime = consumer.offsetsForTimes(fresh);
            fresh.keySet().forEach(p -> consumer.seek(p, byTime.get(p) == null ? ends.get(p) : byTime.get(p).offset()));
            LOG.info("channel {} delivers from this instance", Bounds.quote(channel.name()));
        }
    }
}
