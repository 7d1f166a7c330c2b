package io.runwarden.service;

import io.runwarden.runs.DueRuns;
import io.runwarden.sweep.SweepProgress;
import io.runwarden.sweep.SweepResult;
import io.runwarden.sweep.SweepTimeoutException;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Sweeps on demand: requested as of now, traveling the same in-band path as scheduled ones. */
public interface Sweeps {
    /** What a sweep now would fail, without failing anything. */
    record Preview(Instant asOf, Instant thresholdDate, DueRuns due) {
    }

    /** Requests a sweep as of now; returns its id once the request is durably written. */
    String request();

    /** A sweep's progress, wherever its home partition lives; empty when unknown (or pruned after 7 days). */
    Optional<SweepProgress> progress(String sweepId);

    /** @param limit how many of the due runs to list (all are counted) */
    Preview preview(int limit);

    /** Waits up to {@code timeout} for a requested sweep's result. */
    SweepResult await(String sweepId, Duration timeout) throws SweepTimeoutException, InterruptedException;

    /** Requests a sweep and waits up to {@code timeout} for every partition's part. */
    default SweepResult sweep(Duration timeout) throws SweepTimeoutException, InterruptedException {
        return await(request(), timeout);
    }
}
