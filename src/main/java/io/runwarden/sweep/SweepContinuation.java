package io.runwarden.sweep;

/** The rest of a sweep on one partition, after a first chunk of its due runs: what that partition did so far. */
public record SweepContinuation(SweepRequest request, SweepPart soFar) {
}
