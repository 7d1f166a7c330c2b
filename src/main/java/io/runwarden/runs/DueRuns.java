package io.runwarden.runs;

import io.runwarden.model.RunRecord;

import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/** What a sweep would fail now: how many runs, of which scripts, and the first of them by deadline. */
public record DueRuns(int total, List<String> scriptNames, List<RunRecord> runs) {
    public static final DueRuns NONE = new DueRuns(0, List.of(), List.of());

    public DueRuns merge(DueRuns other, int limit) {
        TreeSet<String> scripts = new TreeSet<>(scriptNames);
        scripts.addAll(other.scriptNames);
        List<RunRecord> first = Stream.concat(runs.stream(), other.runs.stream())
                .sorted(Comparator.comparing(RunRecord::deadline)).limit(limit).toList();
        return new DueRuns(total + other.total, List.copyOf(scripts), first);
    }
}
