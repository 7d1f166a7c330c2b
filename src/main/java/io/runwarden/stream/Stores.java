package io.runwarden.stream;

/** State store names, shared by the topology, the API and the tests. */
public final class Stores {
    /** Every run by runId. */
    public static final String RUNS = "runs";
    /** In-progress runs by (deadline, runId), so a sweep reads only the runs that are due. */
    public static final String DEADLINE_INDEX = "deadline-index";
    /** Sweeps by sweepId: the parts reported so far, then the result. */
    public static final String SWEEPS = "sweeps";
    /** The last slot each cron job fired, so restarts and failovers neither repeat nor skip one. */
    public static final String SCHEDULER_SLOTS = "scheduler-slots";
    /** Cron jobs by name: a global store fed by {@code cron-config}. */
    public static final String CRON_JOBS = "cron-jobs";

    private Stores() {
    }

    /** The changelog topic Kafka Streams keeps for a store of this application. */
    public static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }
}
