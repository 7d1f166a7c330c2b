package io.runwarden.runs;

import java.util.SortedSet;

/** The runs a sweep decided to fail on one partition: how many, their scripts, and the deadline entries read. */
public record DecidedRuns(int runs, SortedSet<String> scripts, int examined) {
}
