package io.runwarden.sweep;

/** A sweep did not complete within the wait; it goes on, and its result can be fetched by id later. */
public final class SweepTimeoutException extends Exception {
    private final String sweepId;

    public SweepTimeoutException(String sweepId) {
        super("sweep " + sweepId + " has not completed yet");
        this.sweepId = sweepId;
    }

    public String sweepId() {
        return sweepId;
    }
}
