package io.runwarden.kafka;

/** State store names, shared by the topology, the API and the tests. */
public final class StoreNames {
    /** Every run by runId. */
    public static final String RUNS = "runs";
    /**
     * The indexes derived from the runs, each in a key space of its own (see {@code io.runwarden.runs.RunIndexes}): by deadline, by start
     * time, by script, open runs by script, finished runs by end, and each script's stats.
     */
    public static final String INDEXES = "indexes";
    /** Sweeps by sweepId: the parts reported so far, then the result. */
    public static final String SWEEPS = "sweeps";
    /** A partition's sweeps taken on whose runs are not all written yet, oldest first ({@code SweepBacklog}). */
    public static final String SWEEP_BACKLOG = "sweep-backlog";
    /** The last slot each cron job fired, so restarts and failovers neither repeat nor skip one. */
    public static final String SCHEDULER_SLOTS = "scheduler-slots";
    /**
     * The generation of the indexes: they are not changelogged (that would triple what every
     * event writes to Kafka) but rebuilt from {@link #RUNS}; a new generation is written here, changelogged, at every
     * rebuild, and kept locally in the indexes' own store (a key space of its own).
     */
    public static final String INDEX_GENERATION = "index-generation";
    /** Missed-start checks by checkId, on their home partition: the answers so far. */
    public static final String START_CHECKS = "start-checks";
    /**
     * Starts this partition moved to their own partition, by "script \0 start millis:runId", with when: a check
     * that overtook one there counts it here.
     */
    public static final String FORWARDED_STARTS = "forwarded-starts";
    /** Per script, the runs its pings without a runId opened and no such ping ended yet. */
    public static final String PING_RUNS = "ping-runs";
    /** Per script, on its partition of the alert outcomes: whether its alerts say it is down ({@code ScriptHealth}). */
    public static final String SCRIPT_HEALTH = "script-health";
    /** Per batch (a sweep or a check), on each outcome partition: the run partitions done with it so far. */
    public static final String ALERT_BATCHES = "alert-batches";
    /** Cron jobs by name: a global store fed by {@code cron-config}. */
    public static final String CRON_JOBS = "cron-jobs";
    /** Script policies by script name: a global store fed by {@code script-policies}. */
    public static final String POLICIES = "script-policies";

    /** Notification channels by name: a global store fed by {@code notification-channels}. */
    public static final String CHANNELS = "notification-channels";

    private StoreNames() {
    }

    /** The changelog topic Kafka Streams keeps for a store of this application. */
    public static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }
}
