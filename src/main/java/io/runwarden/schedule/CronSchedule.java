package io.runwarden.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.runwarden.model.Bounds;
import io.runwarden.model.CronJob;
import io.runwarden.model.InvalidFieldException;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/** A job's UNIX 5-field cron expression evaluated in the job's timezone, with cron-utils. */
public final class CronSchedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final ExecutionTime executionTime;
    private final ZoneId zone;

    private CronSchedule(ExecutionTime executionTime, ZoneId zone) {
        this.executionTime = executionTime;
        this.zone = zone;
    }

    /** @throws InvalidFieldException naming what is wrong with the expression ({@code schedule}) or the timezone */
    public static CronSchedule of(CronJob job) {
        if (job.schedule() == null) {
            throw new InvalidFieldException("schedule", "schedule is missing");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(job.zone());
        } catch (DateTimeException e) {
            throw new InvalidFieldException("timezone", "unknown timezone " + Bounds.quote(job.zone()));
        }
        try {
            return new CronSchedule(ExecutionTime.forCron(PARSER.parse(job.schedule())), zone);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("schedule", "schedule " + Bounds.quote(job.schedule())
                    + " is not a 5-field cron expression: " + Bounds.quote(String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            // cron-utils throws more than IllegalArgumentException on some malformed expressions
            throw new InvalidFieldException("schedule", "schedule " + Bounds.quote(job.schedule()) + " is not a 5-field cron expression");
        }
    }

    /**
     * A job as runwarden accepts it: a valid name and expression that fires within the next 366 days, so that no job
     * that never fires (30 February) reaches the scheduler, which would search years for its slot every second.
     */
    public static CronSchedule accepted(CronJob job, Instant now) {
        Bounds.id(job.name());
        if (job.schedule() != null) {
            try {
                Bounds.id(job.schedule());
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException("schedule", e.getMessage());
            }
        }
        CronSchedule schedule = of(job);
        Optional<Instant> next = schedule.nextSlot(now);
        if (next.isEmpty() || next.get().isAfter(now.plus(Bounds.MAX_SCHEDULE_GAP))) {
            throw new InvalidFieldException("schedule", "schedule " + Bounds.quote(job.schedule())
                    + " does not fire within the next 366 days");
        }
        return schedule;
    }

    /** The latest slot at or before {@code now}, if the schedule has one. */
    public Optional<Instant> latestSlot(Instant now) {
        ZonedDateTime at = now.atZone(zone);
        if (executionTime.isMatch(at.withNano(0)) && at.getSecond() == 0) {
            return Optional.of(at.withNano(0).toInstant());
        }
        return executionTime.lastExecution(at).map(ZonedDateTime::toInstant);
    }

    /** The first slot after {@code now}, if any. */
    public Optional<Instant> nextSlot(Instant now) {
        return executionTime.nextExecution(now.atZone(zone)).map(ZonedDateTime::toInstant);
    }
}
