package io.runwarden.sweep;

import io.runwarden.model.Trigger;

import java.time.Instant;

/**
 * A request to fail every in-progress run whose deadline is at or before {@code asOf}; {@code job} names the cron
 * job that fired it.
 */
public record SweepRequest(String sweepId, Trigger trigger, Instant asOf, String job) {

    /** The sweep's own run of {@code cleanupStaleScripts} uses the sweep id as its run id. */
    public String auditRunId() {
        return sweepId;
    }
}
