package io.runwarden.model;

import java.util.List;
import java.util.TreeSet;

/** What a sweep did on one partition: runs it failed, their scripts, and the index entries it read. */
public record SweepPart(String sweepId, int partition, int failed, List<String> scriptNames, int entriesExamined) {

    public static SweepPart none(String sweepId, int partition) {
        return new SweepPart(sweepId, partition, 0, List.of(), 0);
    }

    /** This part followed by the next chunk of the same partition. */
    public SweepPart plus(SweepPart next) {
        TreeSet<String> scripts = new TreeSet<>(scriptNames);
        scripts.addAll(next.scriptNames);
        return new SweepPart(sweepId, partition, failed + next.failed, List.copyOf(scripts),
                entriesExamined + next.entriesExamined);
    }
}
