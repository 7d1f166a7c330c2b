package io.runwarden.model;

/**
 * A scheduled job, the value of the compacted {@code cron-config} topic keyed by {@code name}.
 * @param enabled true when not given, on the topic as over HTTP: a job written without it runs
 */
public record CronJob(String name, String schedule, Boolean enabled, String timezone, String description) {

    public CronJob {
        enabled = enabled == null || enabled;
    }

    public static final String DAILY_CLEANUP = "daily-cleanup-2am";

    public static CronJob dailyCleanup() {
        return new CronJob(DAILY_CLEANUP, "0 2 * * *", true, "UTC",
                "Daily cleanup of stale in-progress scripts at 2 AM UTC");
    }

    /** A missing timezone means UTC. */
    public String zone() {
        return timezone == null || timezone.isBlank() ? "UTC" : timezone;
    }
}
