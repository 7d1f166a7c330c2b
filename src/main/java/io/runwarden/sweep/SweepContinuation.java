package io.runwarden.sweep;

/**
 * A sweep on one partition, again: the partition could not yet decide it (its indexes were being rebuilt), or, from
 * an earlier release, had failed a first chunk of its due runs. {@code soFar} is what it did so far.
 */
public record SweepContinuation(SweepRequest request, SweepPart soFar) {
}
