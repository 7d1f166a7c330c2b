package io.runwarden.stream;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Where runwarden's own records go on {@code script-events}: a sweep marker to every partition, a continuation
 * back to its own partition, anything else to
 * the partition of its key, computed as Kafka's default producer partitioner does, so that a sweep's records
 * meet on the partition where an external client's request for it landed.
 */
final class EventsPartitioner implements StreamPartitioner<String, Object> {
    private static final byte[] MARKER = "sweep-marker".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CONTINUE = "sweep-continue".getBytes(StandardCharsets.UTF_8);

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, Object value, Headers headers, int numPartitions) {
        Header control = headers == null ? null : headers.lastHeader(ControlRecords.HEADER);
        if (control != null && Arrays.equals(control.value(), MARKER)) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
        }
        // only a continuation goes back to a partition of its own; a header anywhere else is not runwarden's
        Optional<Integer> target = control != null && Arrays.equals(control.value(), CONTINUE)
                ? ControlRecords.targetPartition(headers) : Optional.empty();
        if (target.isPresent() && target.get() >= 0 && target.get() < numPartitions) {
            return Optional.of(Set.of(target.get()));
        }
        return partitions(topic, key, value, numPartitions);
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, Object value, int numPartitions) {
        return Optional.of(Set.of(partitionOf(key, numPartitions)));
    }

    static int partitionOf(String key, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }
}
