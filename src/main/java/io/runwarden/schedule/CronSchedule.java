package io.runwarden.schedule;

import io.runwarden.model.Bounds;
import io.runwarden.model.CronJob;
import io.runwarden.model.InvalidFieldException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A UNIX 5-field cron expression or a nickname ({@code @daily}), evaluated on the wall clock of a timezone as Vixie
 * cron does across a daylight-saving change: a schedule whose minute and hour fields do not start with '*'
 * ({@code 30 2 * * *}, {@code 0 1,13 * * *}) fires
 * once a day, at the first instant after a gap that skips its time and at the first occurrence of a time that comes
 * twice; any other schedule ({@code 30 * * * *}) fires at each wall-clock time that exists: none in a skipped hour,
 * twice in a repeated one. cron-utils matches the expression against wall-clock times; this class maps them to
 * instants. Days are matched as Vixie cron matches them too (see {@link WallClock}).
 */
public final class CronSchedule {
    private static final Map<String, String> NICKNAMES = Map.of("@hourly", "0 * * * *", "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *", "@weekly", "0 0 * * 0", "@monthly", "0 0 1 * *", "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");
    /** Transitions further than this from a window cannot move a wall-clock time into it. */
    private static final Duration NEAR = Duration.ofDays(1);
    /** How far back a latest slot is looked for: accepted schedules fire within 366 days. */
    private static final Duration LOOK_BACK = Duration.ofDays(400);
    /**
     * Schedules parsed once, not at every tick or dashboard read: parsing is the dearest step. Bounded, so that a stream
     * of distinct expressions cannot grow it; instances are immutable and shared across threads.
     */
    private static final Map<List<String>, CronSchedule> PARSED = new ConcurrentHashMap<>();
    private static final int MAX_PARSED = 10_000;

    private final WallClock wallClock;
    private final ZoneId zone;
    private final ZoneRules rules;
    private final boolean fixedTime;
    /** The slots around the instant last asked about: the dashboard asks the same for every scheduled script. */
    private volatile Window window;

    /**
     * The latest slot at or before {@code from} and the first after it. No slot lies between them, so for any instant
     * from {@code from} until {@code next} both answers are the same; a cron-utils search costs ~0.1 ms.
     */
    private record Window(Instant from, Optional<Instant> latest, Optional<Instant> next) {
        boolean covers(Instant now) {
            return next.isPresent() && !now.isBefore(from) && now.isBefore(next.get())
                    // the latest slot is looked for 400 days back: keep a day's room before it leaves the window
                    && latest.map(slot -> slot.isAfter(now.minus(LOOK_BACK).plus(NEAR))).orElse(true);
        }
    }

    private CronSchedule(WallClock wallClock, ZoneId zone, boolean fixedTime) {
        this.wallClock = wallClock;
        this.zone = zone;
        this.rules = zone.getRules();
        this.fixedTime = fixedTime;
    }

    public static CronSchedule of(CronJob job) {
        return of(job.schedule(), job.zone());
    }

    /**
     * @param timezone an IANA zone; null or blank: UTC
     * @throws InvalidFieldException naming what is wrong with the expression ({@code schedule}) or the timezone
     */
    public static CronSchedule of(String schedule, String timezone) {
        List<String> key = Arrays.asList(schedule, timezone);
        CronSchedule parsed = PARSED.get(key);
        if (parsed == null) {
            parsed = parse(schedule, timezone);
            if (PARSED.size() >= MAX_PARSED) {
                // one out, not all: emptied when full, a scheduler going over more schedules than this at every
                // tick would parse every one of them every time
                PARSED.keySet().stream().findAny().ifPresent(PARSED::remove);
            }
            PARSED.put(key, parsed);
        }
        return parsed;
    }

    /** A new instance, not one of the shared ones. */
    static CronSchedule parse(String schedule, String timezone) {
        if (schedule == null) {
            throw new InvalidFieldException("schedule", "schedule is missing");
        }
        ZoneId zone;
        try {
            zone = timezone == null || timezone.isBlank() ? ZoneOffset.UTC : ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new InvalidFieldException("timezone", "unknown timezone " + Bounds.quote(timezone));
        }
        String expression = CrontabFields.normalized(NICKNAMES.getOrDefault(schedule.trim(), schedule));
        try {
            String[] fields = expression.split(" ");
            // Vixie's own test (entry.c: MIN_STAR, HR_STAR): "0 1,13" and "15 1-2" are fixed times, "*/30 2" is not
            boolean fixed = fields.length == 5 && !fields[0].startsWith("*") && !fields[1].startsWith("*");
            return new CronSchedule(WallClock.of(expression), zone, fixed);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("schedule", "schedule " + Bounds.quote(schedule)
                    + " is not a 5-field cron expression: " + Bounds.quote(String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            // cron-utils throws more than IllegalArgumentException on some malformed expressions
            throw new InvalidFieldException("schedule", "schedule " + Bounds.quote(schedule) + " is not a 5-field cron expression");
        }
    }

    /**
     * The job as every instance keeps a record of it: named by the record's key, its description cut as a message.
     * @throws IllegalArgumentException when its schedule is not {@linkplain #accepted accepted}
     */
    public static CronJob kept(String name, CronJob job, Instant now) {
        CronJob named = new CronJob(name, job.schedule(), job.enabled(), job.timezone(), Bounds.message(job.description()));
        accepted(named, now);
        return named;
    }

    public static CronSchedule accepted(CronJob job, Instant now) {
        Bounds.id(job.name());
        return accepted(job.schedule(), job.zone(), now);
    }

    /**
     * A schedule as runwarden accepts it: within the bounds of an id, and firing within the next 366 days, so that
     * none that never fires (30 February) reaches the scheduler, which would search years for its slot.
     */
    public static CronSchedule accepted(String schedule, String timezone, Instant now) {
        if (schedule != null) {
            try {
                Bounds.id(schedule.replace('\t', ' ')); // a crontab separates fields with tabs as with spaces
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException("schedule", e.getMessage());
            }
        }
        CronSchedule parsed = of(schedule, timezone);
        Optional<Instant> next = parsed.nextSlot(now);
        if (next.isEmpty() || next.get().isAfter(now.plus(Bounds.MAX_SCHEDULE_GAP))) {
            throw new InvalidFieldException("schedule", "schedule " + Bounds.quote(schedule)
                    + " does not fire within the next 366 days");
        }
        return parsed;
    }

    /** The latest slot at or before {@code now}, if the schedule had one in the last 400 days. */
    public Optional<Instant> latestSlot(Instant now) {
        return around(now).latest();
    }

    /** The first slot after {@code now}, if it comes within 366 days. */
    public Optional<Instant> nextSlot(Instant now) {
        return around(now).next();
    }

    private Window around(Instant now) {
        Window known = window;
        if (known == null || !known.covers(now)) {
            known = new Window(now, searchLatestSlot(now), searchNextSlot(now));
            window = known;
        }
        return known;
    }

    private Optional<Instant> searchLatestSlot(Instant now) {
        Duration margin = margin(now, now);
        LocalDateTime local = wallTime(now).plus(margin).plusMinutes(1);
        LocalDateTime oldest = wallTime(now.minus(LOOK_BACK));
        Instant latest = null;
        Optional<LocalDateTime> previous;
        while ((previous = wallClock.previous(local, oldest)).isPresent()) {
            for (Instant slot : instants(previous.get())) {
                if (!slot.isAfter(now) && (latest == null || slot.isAfter(latest))) {
                    latest = slot;
                }
            }
            if (latest != null && previous.get().isBefore(wallTime(latest).minus(margin))) {
                break;
            }
            local = previous.get();
        }
        return Optional.ofNullable(latest);
    }

    private Optional<Instant> searchNextSlot(Instant now) {
        List<Instant> next = slotsBetween(now, now.plus(Bounds.MAX_SCHEDULE_GAP), 1);
        return next.isEmpty() ? Optional.empty() : Optional.of(next.get(0));
    }

    /** The first {@code max} slots after {@code after} and at or before {@code until}, in order. */
    public List<Instant> slotsBetween(Instant after, Instant until, int max) {
        Duration margin = margin(after, until);
        LocalDateTime local = wallTime(after).minus(margin);
        LocalDateTime end = wallTime(until).plus(margin);
        TreeSet<Instant> slots = new TreeSet<>();
        Optional<LocalDateTime> next;
        while ((next = wallClock.next(local, end)).isPresent()) {
            for (Instant slot : instants(next.get())) {
                if (slot.isAfter(after) && !slot.isAfter(until)) {
                    slots.add(slot);
                }
            }
            while (slots.size() > max) {
                slots.pollLast();
            }
            // a later wall-clock time maps to an earlier instant only within a transition's margin
            if (slots.size() == max && next.get().isAfter(wallTime(slots.last()).plus(margin))) {
                break;
            }
            local = next.get();
        }
        return List.copyOf(slots);
    }

    /** The instants a wall-clock time of the schedule stands for, as Vixie cron reads them (see the class). */
    private List<Instant> instants(LocalDateTime local) {
        ZoneOffsetTransition transition = rules.getTransition(local);
        if (transition == null) {
            return List.of(local.atZone(zone).toInstant());
        }
        if (transition.isGap()) {
            return fixedTime ? List.of(transition.getInstant()) : List.of();
        }
        Instant first = local.atOffset(transition.getOffsetBefore()).toInstant();
        return fixedTime ? List.of(first) : List.of(first, local.atOffset(transition.getOffsetAfter()).toInstant());
    }

    /** How far a transition near the window can move a wall-clock time: zero far from any. */
    private Duration margin(Instant from, Instant to) {
        Duration margin = Duration.ZERO;
        ZoneOffsetTransition transition = rules.nextTransition(from.minus(NEAR));
        while (transition != null && !transition.getInstant().isAfter(to.plus(NEAR))) {
            Duration shift = transition.getDuration().abs();
            margin = shift.compareTo(margin) > 0 ? shift : margin;
            transition = rules.nextTransition(transition.getInstant());
        }
        return margin;
    }

    private LocalDateTime wallTime(Instant instant) {
        return LocalDateTime.ofInstant(instant, zone);
    }
}
