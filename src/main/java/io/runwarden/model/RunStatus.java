package io.runwarden.model;

/** Status codes of a run, as in the original script logs. */
public final class RunStatus {
    public static final int IN_PROGRESS = 2;
    public static final int SUCCESS = 0;
    public static final int FAILED = -1;

    private RunStatus() {
    }
}
