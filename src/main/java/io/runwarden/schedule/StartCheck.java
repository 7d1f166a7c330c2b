package io.runwarden.schedule;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.time.Instant;
import java.util.List;

/**
 * A missed-start check: the slots whose grace ran out by {@code asOf}. It travels behind the events of every
 * partition, so each answers only once it has applied every start written before the check. Its slots travel as
 * {@link SlotGroups}: every partition reads them, and the check's home keeps them until every partition answered.
 */
public record StartCheck(String checkId, Instant asOf,
                         @JsonSerialize(converter = SlotGroups.Grouped.class)
                         @JsonDeserialize(converter = SlotGroups.Expanded.class) List<ExpectedSlot> slots) {
}
