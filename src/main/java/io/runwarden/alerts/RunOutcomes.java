package io.runwarden.alerts;

import java.util.List;

/**
 * Outcomes bound for one partition of the alert outcomes, in the order their runs ended, as one record: the ends that
 * one commit of a task or one chunk of a sweep wrote travel together, not a record each.
 */
public record RunOutcomes(List<RunOutcome> outcomes) {
    /** The header that marks a record of several outcomes; a record without it holds one, as earlier releases wrote. */
    public static final String HEADER = "runwarden.outcomes";
}
