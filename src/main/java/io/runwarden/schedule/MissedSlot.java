package io.runwarden.schedule;

import java.time.Instant;

/** A slot that no run kept, on its way to the partition of its record's runId. */
public record MissedSlot(ExpectedSlot slot, String checkId, Instant foundAt) {
}
