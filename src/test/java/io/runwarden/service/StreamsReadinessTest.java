package io.runwarden.service;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class StreamsReadinessTest {
    private static final Map<String, Integer> SOURCES = Map.of("script-events", 3, "runwarden-alert-outcomes", 2);

    @Test
    void readyOnlyOnceEveryPartitionOfEverySourceIsAssignedToSomeInstance() {
        Set<TopicPartition> assigned = new HashSet<>(Set.of(
                new TopicPartition("script-events", 0), new TopicPartition("script-events", 1),
                new TopicPartition("script-events", 2), new TopicPartition("runwarden-alert-outcomes", 0)));
        assertThat(StreamsReadiness.everySourcePartitionAssigned(assigned, SOURCES))
                .as("an alert-outcomes partition left to nobody: its alerts would wait for the next rebalance").isFalse();

        assigned.add(new TopicPartition("runwarden-alert-outcomes", 1));
        assertThat(StreamsReadiness.everySourcePartitionAssigned(assigned, SOURCES)).isTrue();

        assigned.remove(new TopicPartition("script-events", 2));
        assigned.add(new TopicPartition("cron-config", 0));
        assertThat(StreamsReadiness.everySourcePartitionAssigned(assigned, SOURCES)).isFalse();
        assertThat(StreamsReadiness.everySourcePartitionAssigned(Set.of(), SOURCES)).isFalse();
    }
}
