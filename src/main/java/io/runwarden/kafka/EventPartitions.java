package io.runwarden.kafka;

import io.runwarden.model.ControlRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** The partitions of {@code script-events}: where a record belongs, and which of them an instance holds. */
public final class EventPartitions {
    private EventPartitions() {
    }

    /** The partition of a key, as Kafka's default producer partitioner (murmur2) picks it. */
    public static int of(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
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

    /**
     * Where the topology's own records go on {@code script-events}: a marker to every partition, a continuation
     * back to its own partition, anything else to the partition of its key, so that a sweep's records meet on the
     * partition where an external client's request for it landed.
     */
    public static final class Partitioner implements StreamPartitioner<String, Object> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, Object value, Headers headers, int numPartitions) {
            Optional<ControlRecord> control = ControlRecord.known(headers);
            if (control.isPresent() && control.get().broadcast()) {
                return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
            }
            // only a continuation goes back to a partition of its own; a header anywhere else is not runwarden's
            Optional<Integer> target = control.isPresent() && control.get().returnsToItsPartition()
                    ? ControlRecord.targetPartition(headers) : Optional.empty();
            if (target.isPresent() && target.get() >= 0 && target.get() < numPartitions) {
                return Optional.of(Set.of(target.get()));
            }
            return partitions(topic, key, value, numPartitions);
        }

        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, Object value, int numPartitions) {
            return Optional.of(Set.of(EventPartitions.of(key, numPartitions)));
        }
    }
}
