package io.runwarden.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** A slot of a script's schedule that a check decides: kept by a start within {@code grace} of it, or missed. */
public record ExpectedSlot(String scriptName, Instant slot, Duration grace) {
    private static final DateTimeFormatter WHOLE_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

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

    /** The slot as the missed run's message writes it. */
    public String slotText() {
        return WHOLE_SECONDS.format(slot);
    }
}
