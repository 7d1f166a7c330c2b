package io.runwarden.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.time.Instant;
import java.util.List;

/**
 * A missed-start check: the slots whose grace ran out by {@code asOf}. It travels behind the events of every
 * partition, so each answers only once it has applied every start written before the check. Its slots travel as
 * {@link SlotGroups}: every partition reads them, and the check's home keeps them until every partition answered.
 * {@code more}: another check of the same tick follows it on every partition, so its answers leave the commit to
 * the last check's ({@link io.runwarden.model.ControlChannel#sendAhead}); absent, as earlier versions
 * wrote every check, it is the last.
 */
public record StartCheck(String checkId, Instant asOf,
                         @JsonSerialize(converter = SlotGroups.Grouped.class)
                         @JsonDeserialize(converter = SlotGroups.Expanded.class) List<ExpectedSlot> slots,
                         @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean more) {
    /** The last (or only) check of its tick. */
    public StartCheck(String checkId, Instant asOf, List<ExpectedSlot> slots) {
        this(checkId, asOf, slots, false);
    }
}
