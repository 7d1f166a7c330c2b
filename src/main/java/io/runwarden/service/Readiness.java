package io.runwarden.service;

/** Whether the service can answer. */
public interface Readiness {
    /** The streams run: queries may go to them (a partition whose indexes are being rebuilt answers 503 itself). */
    boolean running();

    /**
     * Running, every partition of the sources assigned to some instance, and every local partition's indexes
     * complete, so that reads are whole: what /ready says.
     */
    boolean ready();
}
