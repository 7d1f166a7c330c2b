package io.runwarden.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.util.StdConverter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A check's slots as JSON: each run of slots that share the instant and the grace written once, with their scripts
 * ({@code {"slot":…,"grace":…,"scripts":[…]}}). A tick's slots are mostly the same minute for many scripts: as one
 * object each, parsing a check's 1,000 instants and durations took more of the checks' time than deciding its slots
 * (issue 15, B6). A slot written alone ({@code {"scriptName":…,"slot":…,"grace":…}}), as earlier versions wrote every
 * one, still reads.
 */
final class SlotGroups {
    private SlotGroups() {
    }

    /** Slots in a row that share {@code slot} and {@code grace}; or, from an earlier version, one slot's scriptName. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Group(String scriptName, Instant slot, Duration grace, List<String> scripts) {
    }

    static final class Grouped extends StdConverter<List<ExpectedSlot>, List<Group>> {
        @Override
        public List<Group> convert(List<ExpectedSlot> slots) {
            List<Group> groups = new ArrayList<>();
            List<String> scripts = null;
            ExpectedSlot first = null;
            for (ExpectedSlot slot : slots) {
                if (first == null || !slot.slot().equals(first.slot()) || !slot.grace().equals(first.grace())) {
                    first = slot;
                    scripts = new ArrayList<>();
                    groups.add(new Group(null, slot.slot(), slot.grace(), scripts));
                }
                scripts.add(slot.scriptName());
            }
            return groups;
        }
    }

    /** Back to one slot per script, in order; what is missing stays null for the check's own checks to name. */
    static final class Expanded extends StdConverter<List<Group>, List<ExpectedSlot>> {
        @Override
        public List<ExpectedSlot> convert(List<Group> groups) {
            List<ExpectedSlot> slots = new ArrayList<>();
            for (Group group : groups) {
                Objects.requireNonNull(group, "a null group of slots");
                if (group.scripts() == null) {
                    slots.add(new ExpectedSlot(group.scriptName(), group.slot(), group.grace()));
                } else if (group.scriptName() != null) {
                    throw new IllegalArgumentException("a group of slots names its scripts, not a scriptName");
                } else if (slots.size() + group.scripts().size() > StartChecks.SLOTS_PER_CHECK) {
                    // four bytes of JSON a script: refused before each becomes a slot of its own
                    throw new IllegalArgumentException("a check holds at most " + StartChecks.SLOTS_PER_CHECK + " slots");
                } else {
                    group.scripts().forEach(script -> slots.add(new ExpectedSlot(script, group.slot(), group.grace())));
                }
            }
            return slots;
        }
    }
}
