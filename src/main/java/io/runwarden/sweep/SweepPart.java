package io.runwarden.sweep;

import io.runwarden.model.Bounds;

import java.util.List;
import java.util.TreeSet;

/**
 * What a sweep did on one partition: runs it failed, their scripts, and the index entries it read.
 * {@code scriptNames} lists the first names, in order, that fit in the part's share of {@link #LISTED_BYTES};
 * {@code scriptNamesCut} says that more were left out.
 */
public record SweepPart(String sweepId, int partition, int failed, List<String> scriptNames, int entriesExamined,
                        boolean scriptNamesCut) {

    /**
     * Bytes of JSON of script names that all parts of one sweep list together: a sweep of runs of thousands of scripts
     * with 256-character names once made a sweep's record larger than Kafka takes, which stopped the streams; counted
     * in characters, names of emoji (4 bytes each, 12 when JSON escaped them) still did. The sweep's home keeps every part.
     */
    public static final int LISTED_BYTES = 196_608;
    /**
     * The most runs or entries a part counts: more than any partition holds. A count forged past it, summed with
     * others, would wrap around to a negative one, which no part may carry.
     */
    public static final int MOST_COUNTED = 100_000_000;

    public static SweepPart none(String sweepId, int partition) {
        return new SweepPart(sweepId, partition, 0, List.of(), 0, false);
    }

    /** This part followed by the next chunk of the same partition, listing at most {@code maxBytes} of names. */
    public SweepPart plus(SweepPart next, int maxBytes) {
        TreeSet<String> scripts = new TreeSet<>(scriptNames);
        scripts.addAll(next.scriptNames);
        List<String> listed = Bounds.namesWithin(scripts, maxBytes);
        return new SweepPart(sweepId, partition, counted(failed, next.failed), listed,
                counted(entriesExamined, next.entriesExamined),
                scriptNamesCut || next.scriptNamesCut || listed.size() < scripts.size());
    }

    private static int counted(int a, int b) {
        return (int) Math.min((long) a + b, MOST_COUNTED);
    }
}
