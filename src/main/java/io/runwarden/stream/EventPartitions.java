package io.runwarden.stream;

import io.runwarden.kafka.Topics;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

import java.util.Collection;
import java.util.List;

/** Which partitions of {@code script-events} an instance holds, from Kafka Streams' metadata. */
public final class EventPartitions {
    private EventPartitions() {
    }

    /** The partitions this instance's stream threads own as active tasks, ascending. */
    public static List<Integer> activeHere(KafkaStreams streams) {
        return of(streams.metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .flatMap(task -> task.topicPartitions().stream()).toList());
    }

    /** The {@code script-events} partitions among {@code partitions}, ascending. */
    public static List<Integer> of(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(tp -> tp.topic().equals(Topics.SCRIPT_EVENTS))
                .map(TopicPartition::partition).sorted().toList();
    }
}
