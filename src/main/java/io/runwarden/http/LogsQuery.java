package io.runwarden.http;

import java.time.Instant;

/**
 * A page request of runs, newest first. {@code after} is the decoded cursor: the position of the last run of
 * the previous page. Null fields do not filter.
 */
public record LogsQuery(String scriptName, Integer status, Instant from, Instant to, int limit, String after) {
}
