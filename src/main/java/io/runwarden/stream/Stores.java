package io.runwarden.stream;

/** State store names, shared by the topology, the API and the tests. */
public final class Stores {
    /** Every run by runId. */
    public static final String RUNS = "runs";
    /** In-progress runs by (deadline, runId), so a sweep reads only the runs that are due. */
    public static final String DEADLINE_INDEX = "deadline-index";
    /** Every run by "newest-first start:runId": the logs, newest first. */
    public static final String RUNS_BY_TIME = "runs-by-time";
    /** Every run by "script \0 newest-first start:runId": one script's logs, newest first. */
    public static final String RUNS_BY_SCRIPT = "runs-by-script";
    /** In-progress runs by "script \0 start:runId": each script's oldest open run. */
    public static final String OPEN_RUNS_BY_SCRIPT = "open-runs-by-script";
    /** Finished runs by "end time:runId", oldest first: what retention removes, read in order. */
    public static final String FINISHED_BY_END = "finished-by-end";
    /** Per script: counts by status, latest run, oldest open run (merged across partitions by the API). */
    public static final String SCRIPT_STATS = "script-stats";
    /** Sweeps by sweepId: the parts reported so far, then the result. */
    public static final String SWEEPS = "sweeps";
    /** The last slot each cron job fired, so restarts and failovers neither repeat nor skip one. */
    public static final String SCHEDULER_SLOTS = "scheduler-slots";
    /**
     * The generation of the indexes above: the indexes and stats are not changelogged (that would triple what every
     * event writes to Kafka) but rebuilt from {@link #RUNS}; a new generation is written here, changelogged, at every
     * rebuild, and kept locally in {@link #INDEXES_BUILT}.
     */
    public static final String INDEX_GENERATION = "index-generation";
    /** The generation this instance's local indexes were built as: when it differs, they may be behind the runs. */
    public static final String INDEXES_BUILT = "indexes-built";
    /** Cron jobs by name: a global store fed by {@code cron-config}. */
    public static final String CRON_JOBS = "cron-jobs";
    /** Script policies by script name: a global store fed by {@code script-policies}. */
    public static final String POLICIES = "script-policies";

    private Stores() {
    }

    /** The changelog topic Kafka Streams keeps for a store of this application. */
    public static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }
}
