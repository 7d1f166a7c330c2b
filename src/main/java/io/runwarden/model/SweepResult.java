package io.runwarden.model;

import java.time.Instant;
import java.util.List;

/**
 * A completed sweep, in the shape of the original cleanup API plus what makes it traceable.
 * {@code thresholdDate} = asOf − the default max runtime.
 */
public record SweepResult(String sweepId, String trigger, String job, Instant asOf, Instant thresholdDate,
                          int totalLogsUpdated, int scriptsAffected, List<String> scriptNames,
                          int partitions, int entriesExamined, Instant completedAt) {
}
