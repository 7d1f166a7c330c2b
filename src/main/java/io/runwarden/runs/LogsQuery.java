package io.runwarden.runs;

import io.runwarden.model.RunStatus;

import java.time.Instant;

/**
 * A page request of runs, newest first. Null fields do not filter; {@code cursor} is the {@code nextCursor} of the
 * previous page, as the API returned it.
 * @throws IllegalArgumentException when the cursor is not one this API returned
 */
public record LogsQuery(String scriptName, RunStatus status, Instant from, Instant to, int limit, String cursor) {
    public LogsQuery {
        LogsCursor.decode(cursor);
    }

    /** The position of the last run of the previous page; null on the first page. */
    String after() {
        return LogsCursor.decode(cursor);
    }
}
