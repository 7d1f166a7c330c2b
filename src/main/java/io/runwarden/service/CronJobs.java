package io.runwarden.service;

import io.runwarden.model.Bounds;
import io.runwarden.model.CronJob;
import io.runwarden.model.InvalidFieldException;
import io.runwarden.schedule.CronSchedule;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The scheduler's jobs, kept on the compacted {@code cron-config} topic. */
public interface CronJobs {
    /**
     * The most cron jobs runwarden keeps: the scheduler looks at each of them every second, in the task that also
     * applies partition 0's events.
     */
    int MAX_JOBS = 1_000;

    /** A job as the API shows it: with its next run, null when disabled. */
    record View(String name, String schedule, boolean enabled, String timezone, String description, Instant nextRun) {
        public static View of(CronJob job, Instant now) {
            Instant next = job.enabled() ? CronSchedule.of(job).nextSlot(now).orElse(null) : null;
            return new View(job.name(), job.schedule(), job.enabled(), job.zone(), job.description(), next);
        }
    }

    /** The fields a change sets; null fields keep the job's current value. */
    record Change(String schedule, Boolean enabled, String timezone, String description) {
        /**
         * The job this change makes of {@code current}, checked; a new job (null current) needs a schedule, and is
         * enabled, in UTC, unless the change says otherwise.
         * @param count how many jobs there are now
         * @throws InvalidFieldException naming the field that is wrong
         * @throws Conflict {@code too_many_cron_jobs} when it would be job {@value #MAX_JOBS} + 1
         */
        public CronJob applyTo(String name, CronJob current, int count, Instant now) {
            if (current == null && schedule == null) {
                throw new InvalidFieldException("schedule", "is required to create job " + name);
            }
            CronJob job = new CronJob(name,
                    schedule != null ? schedule : current.schedule(),
                    enabled != null ? enabled : current == null || current.enabled(),
                    timezone != null ? timezone : current == null ? "UTC" : current.timezone(),
                    // cut as every instance's global table cuts it, or the write would never read back as sent
                    description != null ? Bounds.message(description) : current == null ? null : current.description());
            CronSchedule.accepted(job, now);
            if (current == null && count >= MAX_JOBS) {
                throw new Conflict("too_many_cron_jobs", "there are already " + MAX_JOBS
                        + " cron jobs, the most runwarden keeps: change one of them or disable it");
            }
            return job;
        }
    }

    record Seeded(List<String> seeded, List<View> jobs) {
    }

    List<View> list();

    Optional<View> get(String name);

    /**
     * Changes a job, or creates it given a schedule, once its schedule is accepted; returns once it is visible here.
     * @throws io.runwarden.model.InvalidFieldException naming the field that is wrong
     * @throws Conflict {@code too_many_cron_jobs} when it would be job {@value #MAX_JOBS} + 1
     */
    View change(String name, Change change);

    /** Writes the default jobs: the missing ones, or all of them with {@code overwrite}. */
    Seeded seed(boolean overwrite);
}
