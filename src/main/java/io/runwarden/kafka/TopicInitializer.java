package io.runwarden.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * Creates the topics of {@code topics/} that are missing and refuses to start on partition counts that would
 * break the service: runs' events must keep the partition (and so the state store) they were first assigned.
 */
public final class TopicInitializer {
    private static final Logger LOG = LoggerFactory.getLogger(TopicInitializer.class);
    private static final Duration METADATA_WAIT = Duration.ofMinutes(1);

    private final Admin admin;
    private final Optional<Short> replicationFactor;

    /**
     * @param replicationFactor the deployment's replica count for every topic created here, ahead of one in
     *                          {@code topics.json} (the operator knows the cluster); empty: the file's, else the broker's default
     */
    public TopicInitializer(Admin admin, Optional<Short> replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    /**
     * @param changelogTopics the Streams changelogs whose partitions follow {@code script-events}
     * @return the number of partitions of {@code script-events}, which every sweep must hear back from
     */
    public int ensure(List<TopicSpec> specs, Collection<String> changelogTopics) {
        Set<String> existing = call(() -> admin.listTopics().names().get());
        List<NewTopic> missing = specs.stream()
                .filter(spec -> !existing.contains(spec.name()))
                .map(spec -> new NewTopic(spec.name(), Optional.of(spec.partitions()),
                        replicationFactor.or(() -> Optional.ofNullable(spec.replicationFactor()))).configs(spec.config()))
                .toList();
        // one request for all of them: a fresh start creates eleven, about 40 ms each when asked for one by one
        Map<String, KafkaFuture<Void>> created = missing.isEmpty() ? Map.of() : admin.createTopics(missing).values();
        for (NewTopic topic : missing) {
            try {
                created.get(topic.name()).get();
                // NewTopic says -1 when the broker's default.replication.factor decides
                LOG.info("created topic {} with {} partitions (replication factor: {})", topic.name(), topic.numPartitions(),
                        topic.replicationFactor() < 0 ? "broker default" : topic.replicationFactor());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topics", e);
            }
        }
        int eventPartitions = partitions(Set.of(Topics.SCRIPT_EVENTS)).get(Topics.SCRIPT_EVENTS);
        Set<String> existingChangelogs = changelogTopics.stream().filter(existing::contains).collect(Collectors.toSet());
        partitions(existingChangelogs).forEach((changelog, count) -> {
            if (count != eventPartitions) {
                throw new IllegalStateException(Topics.SCRIPT_EVENTS + " has " + eventPartitions + " partitions but "
                        + changelog + " has " + count + ": the partition count of " + Topics.SCRIPT_EVENTS
                        + " changed after runwarden first ran, which would move runs' events away from their state."
                        + " Restore " + count + " partitions, or reset the application (kafka-streams-application-reset)"
                        + " and start from an empty state.");
            }
        });
        return eventPartitions;
    }

    /**
     * Refuses to start when two topics that must be partitioned alike are not: each partition of the alert outcomes
     * ends its batches on the same partition of the alert feed.
     */
    public int requireSamePartitions(String one, String other) {
        Map<String, Integer> counts = partitions(Set.of(one, other));
        if (!counts.get(one).equals(counts.get(other))) {
            throw new IllegalStateException(one + " has " + counts.get(one) + " partitions but " + other + " has "
                    + counts.get(other) + ": they must have as many. Recreate " + other + " with " + counts.get(one) + ".");
        }
        return counts.get(one);
    }

    /** The largest record a topic accepts, as the cluster says (its own setting or the broker's default). */
    public int maxMessageBytes(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = afterMetadata(() -> admin.describeConfigs(List.of(resource)).all().get().get(resource));
        return Integer.parseInt(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
    }

    private Map<String, Integer> partitions(Set<String> topics) {
        if (topics.isEmpty()) {
            return Map.of();
        }
        Map<String, TopicDescription> descriptions = afterMetadata(() -> admin.describeTopics(topics).allTopicNames().get());
        return descriptions.values().stream()
                .collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
    }

    /** A call about topics created a moment ago, which not every broker may know yet: retried for a while. */
    private static <T> T afterMetadata(AdminCall<T> call) {
        long until = System.nanoTime() + METADATA_WAIT.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > until) {
                    throw new IllegalStateException("Kafka admin request failed: " + e.getCause().getMessage(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while talking to Kafka", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while talking to Kafka", e);
            }
        }
    }

    private interface AdminCall<T> {
        T get() throws InterruptedException, ExecutionException;
    }

    private static <T> T call(AdminCall<T> call) {
        try {
            return call.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka admin request failed: " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to Kafka", e);
        }
    }
}
