package io.runwarden.schedule;

import io.runwarden.kafka.EventPartitions;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** A slot of a script's schedule that a check decides: kept by a start within {@code grace} of it, or missed. */
public record ExpectedSlot(String scriptName, Instant slot, Duration grace) {
    private static final DateTimeFormatter WHOLE_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int MISSED_RUN_IDS = 3;

    public Instant from() {
        return slot.minus(grace);
    }

    public Instant to() {
        return slot.plus(grace);
    }

    /** The runId of the missed slot's record: {@code backup@2026-11-30T03:00:00Z}. */
    public String missedRunId() {
        return scriptName + "@" + WHOLE_SECONDS.format(slot);
    }

    /**
     * The runIds the missed slot's record may take, in order: {@link #missedRunId} first, then ids for when a run that
     * was reported already holds it (runIds are the reporter's to choose), each on the same partition of
     * {@code script-events}, where a read of the run by its id looks.
     */
    public List<String> missedRunIds(int partitions) {
        String id = missedRunId();
        int partition = EventPartitions.of(id, partitions);
        List<String> ids = new ArrayList<>(List.of(id));
        for (int n = 1; ids.size() < MISSED_RUN_IDS; n++) {
            String other = id + "~missed-" + n;
            if (EventPartitions.of(other, partitions) == partition) {
                ids.add(other);
            }
        }
        return ids;
    }

    /** The slot as the missed run's message writes it. */
    public String slotText() {
        return WHOLE_SECONDS.format(slot);
    }
}
