package io.runwarden.model;

import java.time.Instant;

/**
 * A request to fail every in-progress run whose deadline is at or before {@code asOf}.
 * {@code trigger} is {@code scheduled} or {@code manual}; {@code job} names the cron job that fired it.
 */
public record SweepRequest(String sweepId, String trigger, Instant asOf, String job) {

    public static final String SCHEDULED = "scheduled";
    public static final String MANUAL = "manual";

    /** The sweep's own run of {@code cleanupStaleScripts} uses the sweep id as its run id. */
    public String auditRunId() {
        return sweepId;
    }
}
