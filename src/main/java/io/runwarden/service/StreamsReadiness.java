package io.runwarden.service;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** {@link Readiness} of this instance's streams, in a group that may hold other instances. */
final class StreamsReadiness implements Readiness {
    private final KafkaStreams streams;
    private final Map<String, Integer> sources;

    /** @param sources the partitions of each topic the streams read, by topic */
    StreamsReadiness(KafkaStreams streams, Map<String, Integer> sources) {
        this.streams = streams;
        this.sources = Map.copyOf(sources);
    }

    @Override
    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    @Override
    public boolean ready() {
        try {
            return running() && everySourcePartitionAssigned(assigned(streams.metadataForAllStreamsClients()), sources);
        } catch (IllegalStateException e) {
            return false; // the streams stopping since running() was asked
        }
    }

    /**
     * Whether the group gave every partition of the sources to an instance. An assignment made while the group's
     * leader did not yet see a topic's partitions (a broker that has just started) leaves them to nobody until the
     * next rebalance: the streams run, but that partition's events or alert outcomes wait.
     */
    static boolean everySourcePartitionAssigned(Set<TopicPartition> assigned, Map<String, Integer> sources) {
        return sources.entrySet().stream().allMatch(source -> IntStream.range(0, source.getValue())
                .allMatch(partition -> assigned.contains(new TopicPartition(source.getKey(), partition))));
    }

    /** The partitions the instances of the group process, as the last assignment gave them. */
    private static Set<TopicPartition> assigned(Collection<StreamsMetadata> instances) {
        return instances.stream().flatMap(instance -> instance.topicPartitions().stream()).collect(Collectors.toSet());
    }
}
