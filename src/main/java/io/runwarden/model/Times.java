package io.runwarden.model;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The wire form of instants and durations: ISO-8601 UTC with milliseconds, ISO-8601 durations. */
public final class Times {
    private static final DateTimeFormatter INSTANT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    public static String format(Instant instant) {
        return INSTANT.format(instant);
    }

    /** Accepts {@code Z} or an offset ({@code 2025-11-20T11:30:00+01:00}), with or without fractions. */
    public static Instant parseInstant(String text) {
        try {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 instant such as 2025-11-20T10:30:00Z");
        }
    }

    /** ISO-8601 with whole days kept as days: {@code P3D}, {@code P1DT6H}, {@code PT6H} (Java alone writes PT72H). */
    public static String format(Duration duration) {
        long days = duration.toDays();
        if (days <= 0) {
            return duration.toString();
        }
        Duration rest = duration.minusDays(days);
        return "P" + days + "D" + (rest.isZero() ? "" : rest.toString().substring(1));
    }

    /** A positive ISO-8601 duration ({@code P3D}, {@code PT6H}). */
    public static Duration parsePositiveDuration(String text) {
        Duration duration;
        try {
            duration = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 duration such as P3D or PT6H");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("'" + text + "' must be a positive duration");
        }
        return duration;
    }

    /** {@code P3D} → "3 day", {@code PT6H} → "6 hour": the wording of the original timeout message. */
    public static String describe(Duration duration) {
        long seconds = duration.getSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + " day";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + " hour";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + " minute";
        }
        return seconds + " second";
    }
}
