package io.runwarden.model;

import java.util.List;

/** What a sweep did on one partition: runs it failed, their scripts, and the index entries it read. */
public record SweepPart(String sweepId, int partition, int failed, List<String> scriptNames, int entriesExamined) {
}
