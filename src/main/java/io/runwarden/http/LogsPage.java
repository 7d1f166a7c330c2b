package io.runwarden.http;

import io.runwarden.model.RunRecord;

import java.util.List;

/** One page of runs, newest first; {@code nextCursor} is null on the last page. */
public record LogsPage(List<RunRecord> logs, String nextCursor) {
}
