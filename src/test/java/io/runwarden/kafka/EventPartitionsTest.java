package io.runwarden.kafka;

import io.runwarden.model.ControlRecord;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only runwarden's own continuation goes back to the partition its header names. Anyone can write that header: on
 * an event it once sent the record to partition 99 (the streams stopped, and again after every restart) or back to
 * the partition it was misrouted on, forever.
 */
class EventPartitionsTest {
    private final EventPartitions.Partitioner partitioner = new EventPartitions.Partitioner();

    @Test
    void aPartitionHeaderOnAnEventIsIgnoredWhereverItPoints() {
        int own = EventPartitions.of("loopkey", 6);
        for (String forged : new String[] {"99", "-1", "abc", String.valueOf((own + 1) % 6)}) {
            Headers headers = new RecordHeaders();
            headers.add(ControlRecord.PARTITION, forged.getBytes(StandardCharsets.UTF_8));

            assertThat(partitioner.partitions("script-events", "loopkey", null, headers, 6)).contains(Set.of(own));
        }
    }

    @Test
    void aContinuationGoesBackToItsPartitionOnlyWhenThatPartitionExists() {
        int own = EventPartitions.of("sweep-1", 6);
        assertThat(partitioner.partitions("script-events", "sweep-1", null, continuation("4"), 6)).isEqualTo(Optional.of(Set.of(4)));
        assertThat(partitioner.partitions("script-events", "sweep-1", null, continuation("99"), 6)).contains(Set.of(own));
        assertThat(partitioner.partitions("script-events", "sweep-1", null, continuation("-3"), 6)).contains(Set.of(own));
    }

    private static Headers continuation(String partition) {
        Headers headers = ControlRecord.SWEEP_CONTINUE.headers();
        headers.add(ControlRecord.PARTITION, partition.getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
