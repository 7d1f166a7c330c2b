package io.runwarden.model;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
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

    /** Days since the epoch of 0000-01-01 and 9999-12-31: the years {@link #format} writes by hand. */
    private static final long FIRST_DAY = LocalDate.of(0, 1, 1).toEpochDay();
    private static final long LAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    /**
     * Every instant of every run is written this way, several times per event: by hand for years 0–9999, digit by
     * digit into the string's bytes (JFR of B1: with a builder and {@code Integer.toString} it was a thirtieth of the
     * stream threads).
     */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        long day = Math.floorDiv(seconds, 86_400);
        if (day < FIRST_DAY || day > LAST_DAY) {
            return INSTANT.format(instant);
        }
        LocalDate date = LocalDate.ofEpochDay(day);
        int second = (int) Math.floorMod(seconds, 86_400);
        byte[] text = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':', '0', '0', ':', '0', '0', '.', '0', '0', '0', 'Z'};
        digits(text, 0, date.getYear(), 4);
        digits(text, 5, date.getMonthValue(), 2);
        digits(text, 8, date.getDayOfMonth(), 2);
        digits(text, 11, second / 3_600, 2);
        digits(text, 14, second / 60 % 60, 2);
        digits(text, 17, second % 60, 2);
        digits(text, 20, instant.getNano() / 1_000_000, 3);
        return new String(text, StandardCharsets.US_ASCII);
    }

    /** Writes {@code value}'s last {@code count} decimal digits ending before {@code from + count}. */
    private static void digits(byte[] text, int from, int value, int count) {
        for (int i = from + count - 1; i >= from; i--) {
            text[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
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
        if (duration.getNano() != 0) { // PT1.5S is within the bounds: "1.5 second", not "1 second"
            return BigDecimal.valueOf(seconds).add(BigDecimal.valueOf(duration.getNano(), 9)).stripTrailingZeros()
                    .toPlainString() + " second";
        }
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
