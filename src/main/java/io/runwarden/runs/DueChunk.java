package io.runwarden.runs;

import io.runwarden.model.RunRecord;

import java.util.List;

/**
 * A chunk of a partition's due runs, for a sweep to fail: the runs, and how many deadline entries were read for them
 * (more than the runs when an entry was not its run's own; a chunk that read its limit may leave more due).
 */
public record DueChunk(List<RunRecord> runs, int examined) {
}
