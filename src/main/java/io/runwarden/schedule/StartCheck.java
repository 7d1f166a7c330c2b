package io.runwarden.schedule;

import java.time.Instant;
import java.util.List;

/**
 * A missed-start check: the slots whose grace ran out by {@code asOf}. It travels behind the events of every
 * partition, so each answers only once it has applied every start written before the check.
 */
public record StartCheck(String checkId, Instant asOf, List<ExpectedSlot> slots) {
}
