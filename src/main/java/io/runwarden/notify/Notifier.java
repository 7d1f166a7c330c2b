package io.runwarden.notify;

import io.runwarden.model.Bounds;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps one {@link ChannelWorker} per channel running on this instance, each in the channel's own consumer group of
 * the alert feed: the group's committed offsets are the channel's progress, its single owner the one instance that
 * delivers to it, and its members on the other instances take over when that one goes.
 */
public final class Notifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    /** How often the channels are compared with the workers. */
    static final Duration RECONCILE = Duration.ofSeconds(1);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final Supplier<Collection<Channel>> channels;
    private final Map<String, Object> clientConfig;
    private final String applicationId;
    private final String instanceId;
    private final String feed;
    private final int feedPartitions;
    private final Sender sender;
    private final DeliveryLog log;
    private final Clock clock;
    private final Map<String, Running> workers = new HashMap<>();
    private final ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "runwarden-notifier");
        thread.setDaemon(true);
        return thread;
    });

    private record Running(ChannelWorker worker, Thread thread) {
    }

    /**
     * @param channels     every channel; null when they cannot be read at the moment
     * @param clientConfig Kafka client settings (bootstrap servers, security) shared by every worker
     * @param instanceId   this instance, stable while it runs: where a channel's owner is chosen
     */
    public Notifier(Supplier<Collection<Channel>> channels, Map<String, Object> clientConfig, String applicationId,
                    String instanceId, String feed, int feedPartitions, Sender sender, DeliveryLog log, Clock clock) {
        this.channels = channels;
        this.clientConfig = clientConfig;
        this.applicationId = applicationId;
        this.instanceId = instanceId;
        this.feed = feed;
        this.feedPartitions = feedPartitions;
        this.sender = sender;
        this.log = log;
        this.clock = clock;
    }

    public Notifier start() {
        reconciler.scheduleWithFixedDelay(this::reconcileSafely, 0, RECONCILE.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void reconcileSafely() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.error("the notifier could not compare its channels with its workers; next try in {}", RECONCILE, e);
        }
    }

    /** Starts a worker per new channel, stops those of removed ones, restarts those whose type or group changed. */
    synchronized void reconcile() {
        Collection<Channel> now = channels.get();
        if (now == null) {
            return; // not readable this moment
        }
        Map<String, Channel> wanted = new HashMap<>();
        now.forEach(channel -> wanted.put(channel.name(), channel));
        for (String name : List.copyOf(workers.keySet())) {
            Channel channel = wanted.get(name);
            Channel was = workers.get(name).worker().channel();
            if (channel == null || channel.type() != was.type() || !Objects.equals(channel.createdAt(), was.createdAt())) {
                stop(workers.remove(name));
                if (channel == null) {
                    forget(was);
                }
            } else if (!channel.equals(was)) {
                workers.get(name).worker().update(channel);
            }
        }
        wanted.forEach((name, channel) -> workers.computeIfAbsent(name, n -> launch(channel)));
    }

    private Running launch(Channel channel) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, ChannelWorker.groupId(applicationId, channel));
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "runwarden-notify-" + channel.name());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, OneOwnerAssignor.class.getName());
        config.put(OneOwnerAssignor.CHANNEL, channel.name());
        config.put(OneOwnerAssignor.INSTANCE, instanceId);
        // a channel whose owner died is taken over within seconds, not the default 45
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        ChannelWorker worker = new ChannelWorker(channel, feed, feedPartitions, config, sender, log, clock);
        Thread thread = new Thread(worker, "runwarden-notify-" + channel.name());
        thread.setDaemon(true);
        thread.start();
        return new Running(worker, thread);
    }

    private static void stop(Running running) {
        running.worker().stop();
        try {
            running.thread().join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A removed channel's group: deleted once no instance is in it any more (the last to leave succeeds). */
    private void forget(Channel channel) {
        try (Admin admin = Admin.create(clientConfig)) {
            admin.deleteConsumerGroups(List.of(ChannelWorker.groupId(applicationId, channel))).all().get(10, TimeUnit.SECONDS);
        } catch (Exception stillUsed) {
            LOG.debug("the group of removed channel {} stays for now", Bounds.quote(channel.name()));
        }
    }

    @Override
    public synchronized void close() {
        reconciler.shutdownNow();
        workers.values().forEach(running -> running.worker().stop());
        workers.values().forEach(Notifier::stop);
        workers.clear();
    }
}
