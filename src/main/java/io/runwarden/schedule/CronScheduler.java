package io.runwarden.schedule;

import io.runwarden.model.CronJob;
import io.runwarden.model.Trigger;
import io.runwarden.sweep.SweepRequest;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Fires the cron jobs. It runs only in the task of partition 0, so exactly one instance of the cluster fires, and
 * the task's changelogged slot store moves with it on failover. A job first seen fires its slots from
 * {@link #FIRST_SEEN_LAG} before then on, and none before; after that every slot that passed fires once, and slots
 * missed while nothing ran fire once together on recovery. A disabled job's slots pass without firing.
 */
public final class CronScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(CronScheduler.class);
    /**
     * How late a new job may reach this scheduler after it was written: the global store's lag, a tick, a task moving
     * to another instance. A job written at 01:59:50 for 02:00 and first seen at 02:00:05 fires its 02:00 slot.
     */
    static final Duration FIRST_SEEN_LAG = Duration.ofMinutes(1);
    private static final DateTimeFormatter SLOT_ID = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    private final ReadOnlyKeyValueStore<String, CronJob> jobs;
    private final KeyValueStore<String, Instant> lastSlots;
    private final Consumer<SweepRequest> fire;

    /** @param fire sends a job's sweep request on its way */
    public CronScheduler(ReadOnlyKeyValueStore<String, CronJob> jobs, KeyValueStore<String, Instant> lastSlots,
                         Consumer<SweepRequest> fire) {
        this.jobs = jobs;
        this.lastSlots = lastSlots;
        this.fire = fire;
    }

    public void tick(Instant now) {
        try (KeyValueIterator<String, CronJob> it = jobs.all()) {
            while (it.hasNext()) {
                KeyValue<String, CronJob> entry = it.next();
                CronSchedule schedule = schedule(entry.value);
                if (schedule != null) {
                    tick(entry.key, entry.value, schedule, now);
                }
            }
        }
    }

    /** Null for a job that is not valid: cron-config's reader refuses those, and logs them, before they get here. */
    private CronSchedule schedule(CronJob job) {
        try {
            return CronSchedule.of(job);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void tick(String name, CronJob job, CronSchedule schedule, Instant now) {
        Optional<Instant> latest = schedule.latestSlot(now);
        Instant last = lastSlots.get(name);
        if (last == null) {
            // a job first seen: slots from a moment before now on are its own, older ones are history
            last = latest.filter(slot -> slot.isBefore(now.minus(FIRST_SEEN_LAG))).orElse(now.minus(FIRST_SEEN_LAG));
            lastSlots.put(name, last);
        }
        if (latest.isEmpty() || !latest.get().isAfter(last)) {
            return;
        }
        Instant slot = latest.get();
        lastSlots.put(name, slot);
        if (!job.enabled()) {
            return;
        }
        // the slot makes the id: should the same slot ever be requested twice, the sweep runs once
        String sweepId = name + "-" + SLOT_ID.format(slot);
        SweepRequest request = new SweepRequest(sweepId, Trigger.SCHEDULED, now, name);
        LOG.info("cron job {} fires for slot {} as sweep {}", name, slot, sweepId);
        fire.accept(request);
    }
}
