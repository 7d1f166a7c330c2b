package io.runwarden.service;

/** Whether the service can answer. */
public interface Readiness {
    /** The streams run: queries may go to them. */
    boolean running();

    /**
     * Running (every local partition's runs restored) and every partition of the sources assigned to some instance, so
     * that reads are whole: what /ready says. Indexes still being rebuilt do not count: their reads scan the runs.
     */
    boolean ready();
}
