package io.runwarden.schedule;

import io.runwarden.kafka.EventPartitions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExpectedSlotTest {
    /** The record of a slot whose own runId is taken is read by its id where that id says: on the same partition. */
    @Test
    void aMissedSlotsRunIdsStartWithTheContractsAndShareItsPartition() {
        ExpectedSlot slot = new ExpectedSlot("backup", Instant.parse("2026-11-30T03:00:00Z"), Duration.ofMinutes(10));

        List<String> ids = slot.missedRunIds(6);

        assertThat(ids).hasSize(3).doesNotHaveDuplicates().first().isEqualTo("backup@2026-11-30T03:00:00Z");
        assertThat(ids).allSatisfy(id -> assertThat(EventPartitions.of(id, 6))
                .isEqualTo(EventPartitions.of("backup@2026-11-30T03:00:00Z", 6)));
        assertThat(ids.subList(1, 3)).allMatch(id -> id.startsWith("backup@2026-11-30T03:00:00Z~missed-"));
    }
}
