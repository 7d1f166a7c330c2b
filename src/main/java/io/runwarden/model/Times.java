package io.runwarden.model;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The wire form of instants and durations: ISO-8601 UTC with milliseconds, ISO-8601 durations. */
public final class Times {
    private static final DateTimeFormatter INSTANT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    /**
     * Every instant of every run is written this way, several times per event: by hand for years 0–9999, which
     * costs a tenth of the formatter's time.
     */
    public static String format(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return INSTANT.format(instant);
        }
        StringBuilder text = new StringBuilder(24);
        pad(text, t.getYear(), 4).append('-');
        pad(text, t.getMonthValue(), 2).append('-');
        pad(text, t.getDayOfMonth(), 2).append('T');
        pad(text, t.getHour(), 2).append(':');
        pad(text, t.getMinute(), 2).append(':');
        pad(text, t.getSecond(), 2).append('.');
        return pad(text, t.getNano() / 1_000_000, 3).append('Z').toString();
    }

    /** Accepts {@code Z} or an offset ({@code 2025-11-20T11:30:00+01:00}), with or without fractions. */
    public static Instant parseInstant(String text) {
        Instant common = parseCommon(text);
        if (common != null) {
            return common;
        }
        try {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(Bounds.quote(text) + " is not an ISO-8601 instant such as 2025-11-20T10:30:00Z");
        }
    }

    /**
     * The form nearly every event has, {@code 2025-11-20T10:30:00Z} with no fraction or one of 1 to 9 digits (shell
     * {@code date}, JavaScript, Java), read by hand (the general parser was the dearest step of applying an event);
     * null for anything else, which the general parser then reads or refuses.
     */
    private static Instant parseCommon(String text) {
        int length = text.length();
        int fraction = length - 21; // digits after the '.', when there is one
        if (length < 20 || length > 30 || length == 21 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || (length > 20 && text.charAt(19) != '.')) {
            return null;
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 2);
        int day = number(text, 8, 2);
        int hour = number(text, 11, 2);
        int minute = number(text, 14, 2);
        int second = number(text, 17, 2);
        int nanos = length == 20 ? 0 : number(text, 20, fraction);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || nanos < 0) {
            return null;
        }
        for (int i = fraction; i < 9 && length > 20; i++) {
            nanos *= 10;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The decimal number of {@code digits} characters at {@code from}, or -1 when one is not a digit. */
    private static int number(String text, int from, int digits) {
        int value = 0;
        for (int i = from; i < from + digits; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static StringBuilder pad(StringBuilder text, int value, int digits) {
        String number = Integer.toString(value);
        for (int i = number.length(); i < digits; i++) {
            text.append('0');
        }
        return text.append(number);
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

    /** A duration as an amount: "10 minutes", "1 hour", "3 days" (as {@link #describe}, which reads as an adjective). */
    public static String amount(Duration duration) {
        String one = describe(duration);
        return one.startsWith("1 ") ? one : one + "s";
    }
}
