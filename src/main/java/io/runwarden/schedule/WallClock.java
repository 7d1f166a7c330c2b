package io.runwarden.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * The wall-clock times a 5-field expression matches, with Vixie cron's day rule: when the day-of-month or the
 * day-of-week field starts with '*' (Vixie's DOM_STAR, DOW_STAR), a day must match both fields; otherwise either.
 * cron-utils ORs two restricted day fields whatever they start with: "every other day of the month" with "Monday"
 * would fire on every odd day and on every Monday, where cron fires only on Mondays that are odd days. Those
 * expressions are matched here on their times and months, then filtered day by day.
 */
final class WallClock {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final ExecutionTime times;
    /** The days of the week that match, Sunday first; null when cron-utils' own day rule is Vixie's. */
    private final boolean[] daysOfWeek;

    private WallClock(ExecutionTime times, boolean[] daysOfWeek) {
        this.times = times;
        this.daysOfWeek = daysOfWeek;
    }

    /** @throws IllegalArgumentException when the expression is not a UNIX 5-field cron expression */
    static WallClock of(String expression) {
        ExecutionTime whole = ExecutionTime.forCron(PARSER.parse(expression)); // refuses what is not cron, as written
        String[] fields = expression.trim().split("\\s+");
        String dom = fields[2];
        String dow = fields[4];
        // one field '*' alone leaves the other to decide, under either rule: cron-utils answers as Vixie does
        if (!(dom.startsWith("*") || dow.startsWith("*")) || dom.equals("*") || dow.equals("*")) {
            return new WallClock(whole, null);
        }
        // the days of the month with the times, then the days of the week kept by a table (a week from a Sunday)
        ExecutionTime weekdays = ExecutionTime.forCron(PARSER.parse("0 0 * * " + dow));
        boolean[] daysOfWeek = new boolean[7];
        for (int day = 0; day < 7; day++) {
            daysOfWeek[day] = weekdays.isMatch(utc(LocalDate.of(2026, 11, 29).plusDays(day).atStartOfDay()));
        }
        return new WallClock(ExecutionTime.forCron(PARSER.parse(fields[0] + " " + fields[1] + " " + dom + " " + fields[3] + " *")),
                daysOfWeek);
    }

    /** The first time after {@code after}, if one comes no later than {@code last}. */
    Optional<LocalDateTime> next(LocalDateTime after, LocalDateTime last) {
        LocalDateTime from = after;
        while (true) {
            Optional<LocalDateTime> next = times.nextExecution(utc(from)).map(t -> t.toLocalDateTime());
            if (next.isEmpty() || next.get().isAfter(last)) {
                return Optional.empty();
            }
            if (matchesDay(next.get().toLocalDate())) {
                return next;
            }
            from = next.get().toLocalDate().atTime(23, 59); // a day at a time: the next call starts the day after
        }
    }

    /** The last time before {@code before}, if one comes no earlier than {@code first}. */
    Optional<LocalDateTime> previous(LocalDateTime before, LocalDateTime first) {
        LocalDateTime from = before;
        while (true) {
            Optional<LocalDateTime> previous = times.lastExecution(utc(from)).map(t -> t.toLocalDateTime());
            if (previous.isEmpty() || previous.get().isBefore(first)) {
                return Optional.empty();
            }
            if (matchesDay(previous.get().toLocalDate())) {
                return previous;
            }
            from = previous.get().toLocalDate().atStartOfDay();
        }
    }

    private boolean matchesDay(LocalDate day) {
        return daysOfWeek == null || daysOfWeek[day.getDayOfWeek().getValue() % 7];
    }

    private static ZonedDateTime utc(LocalDateTime local) {
        return local.atZone(ZoneOffset.UTC);
    }
}
