package io.runwarden.sweep;

import io.runwarden.model.Trigger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A completed sweep, in the shape of the original cleanup API plus what makes it traceable.
 * {@code thresholdDate} = asOf − the default max runtime. {@code scriptNames} lists the first names that fit in
 * {@link #LISTED_BYTES} of JSON; when {@code scriptNamesCut} says more were left out, {@code scriptsAffected} counts at least
 * the scripts listed by the parts.
 */
public record SweepResult(String sweepId, Trigger trigger, String job, Instant asOf, Instant thresholdDate,
                          int totalLogsUpdated, int scriptsAffected, List<String> scriptNames,
                          int partitions, int entriesExamined, Instant completedAt, boolean scriptNamesCut) {

    /** Bytes of JSON of the script names a result lists: far inside what one record of Kafka takes. */
    public static final int LISTED_BYTES = 32_768;

    /** What the original API called the threshold: a run started before it, with the default max runtime, is due. */
    public static Instant thresholdDate(Instant asOf, Duration defaultMaxRuntime) {
        return asOf.minus(defaultMaxRuntime);
    }
}
