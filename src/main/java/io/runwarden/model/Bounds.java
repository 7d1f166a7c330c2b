package io.runwarden.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bounds on every input (DESIGN, "Bounds on every input"), checked once where a value enters: an event, a
 * request, a global-store record, a setting. Each check throws {@link IllegalArgumentException} saying what is
 * wrong without quoting more than {@link #MAX_QUOTE_CHARS} characters of the value.
 */
public final class Bounds {
    public static final Instant MIN_INSTANT = Instant.EPOCH;
    public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59Z");
    public static final Duration MIN_DURATION = Duration.ofSeconds(1);
    public static final Duration MAX_DURATION = Duration.ofDays(3650);
    public static final int MAX_ID_CHARS = 256;
    /**
     * Ids runwarden generates from a name: a missed slot's {@code name@2026-11-30T03:00:00Z} (or, when a reported run
     * holds that, {@code ...Z~missed-2}), a job's sweep's {@code name-20261130T0300Z}.
     */
    private static final Pattern GENERATED = Pattern.compile("(?s)(.+)(@\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ(~missed-\\d{1,6})?|-\\d{8}T\\d{4}Z)");
    public static final int MAX_MESSAGE_CHARS = 8_192;
    /** Log lines and dead-letter headers quote at most this much of a bad value. */
    public static final int MAX_QUOTE_CHARS = 256;
    /** A cron schedule must fire within this long, or it is refused (a job that never fires burns the scheduler). */
    public static final Duration MAX_SCHEDULE_GAP = Duration.ofDays(366);

    private Bounds() {
    }

    /** An instant from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
    public static Instant instant(Instant value) {
        if (value.isBefore(MIN_INSTANT) || value.isAfter(MAX_INSTANT)) {
            throw new IllegalArgumentException(Times.format(value) + " is outside 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z");
        }
        return value;
    }

    /** Epoch milliseconds within the instants' bounds. */
    public static Instant epochMillis(long millis) {
        if (millis < MIN_INSTANT.toEpochMilli() || millis > MAX_INSTANT.toEpochMilli()) {
            throw new IllegalArgumentException(millis + " ms is outside 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z");
        }
        return Instant.ofEpochMilli(millis);
    }

    /** An instant as a user writes one, ISO-8601 ({@code 2025-11-20T10:30:00Z}, any offset) or epoch milliseconds. */
    public static Instant parseInstant(String text) {
        if (!text.isEmpty() && text.length() <= 20 && text.chars().allMatch(c -> c >= '0' && c <= '9' || c == '-')
                && text.lastIndexOf('-') <= 0) {
            try {
                return epochMillis(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(quote(text) + " is not a number of epoch milliseconds");
            }
        }
        try {
            return instant(Times.parseInstant(text));
        } catch (java.time.DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException(quote(text) + " is not an ISO-8601 instant such as 2025-11-20T10:30:00Z");
        }
    }

    /** An ISO-8601 duration ({@code P3D}, {@code PT6H}) from PT1S to P3650D. */
    public static Duration parseDuration(String text) {
        Duration value;
        try {
            value = Duration.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(quote(text) + " is not an ISO-8601 duration such as P3D or PT6H");
        }
        return duration(value);
    }

    /** A duration from PT1S to P3650D. */
    public static Duration duration(Duration value) {
        if (value.compareTo(MIN_DURATION) < 0 || value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(quote(value.toString()) + " is outside PT1S to P3650D");
        }
        return value;
    }

    /**
     * A runId, scriptName, job name or schedule: 1 to 256 characters, no control character, no lone surrogate, no
     * U+FFFD (bytes that were not UTF-8).
     */
    public static String id(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        int characters = characters(value); // characters, not UTF-16 units: 200 emoji are 200
        if (characters > MAX_ID_CHARS) {
            throw new IllegalArgumentException("is " + characters + " characters long; at most " + MAX_ID_CHARS + " are allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(quote(value) + " holds a control character at " + i);
            }
            if (loneSurrogateAt(value, i)) {
                throw new IllegalArgumentException(quote(value) + " holds a lone surrogate at " + i);
            }
            if (c == '\uFFFD') {
                // what a decoder puts where bytes were not UTF-8: the id as sent is not the id as read
                throw new IllegalArgumentException(quote(value) + " holds U+FFFD at " + i + ": it was not valid UTF-8");
            }
            if (Character.isHighSurrogate(c)) {
                i++; // its pair
            }
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException("must not be blank");
        }
        return value;
    }

    /** Sweeps and checks are named by runwarden (a UUID, a job's name and its slot) or by whoever requests a sweep. */
    public static final int MAX_BATCH_ID_CHARS = MAX_ID_CHARS + 64;

    /**
     * The id of a batch of alerts, a sweep's or a missed-start check's, as a sweep request may give it: 1 to
     * {@link #MAX_BATCH_ID_CHARS} characters, the first 256 within the bounds of an id.
     */
    public static String batchId(String value) {
        int characters = value == null ? 0 : characters(value);
        if (value == null || value.isBlank() || characters > MAX_BATCH_ID_CHARS) {
            throw new IllegalArgumentException("must be 1 to " + MAX_BATCH_ID_CHARS + " characters, not blank");
        }
        // characters as ids count them: a job's name of 256 emoji is a name, and its sweep's id is made from it
        id(value.substring(0, value.offsetByCodePoints(0, Math.min(characters, MAX_ID_CHARS))));
        return value;
    }

    /** Unicode characters (code points): what the bounds on ids count. */
    public static int characters(String value) {
        return value.codePointCount(0, value.length());
    }

    /**
     * An id runwarden may have generated itself (a missed slot's {@code {script}@{slot}}, a job's sweep's): exempt from
     * the length bound of the ids users give, as long as the name it was made from is within it.
     */
    public static String generatedId(String value) {
        if (characters(value) <= MAX_ID_CHARS) {
            return id(value);
        }
        Matcher generated = GENERATED.matcher(value);
        if (!generated.matches()) {
            return id(value); // says why: too long
        }
        id(generated.group(1));
        return value;
    }

    /**
     * A message as runwarden keeps it: cut at 8,192 characters without splitting a surrogate pair, any lone
     * surrogate replaced (JSON cannot write one). Control characters stay: a command's stderr has newlines.
     */
    public static String message(String value) {
        if (value == null) {
            return null;
        }
        String cut = value;
        if (cut.length() > MAX_MESSAGE_CHARS) {
            int end = Character.isHighSurrogate(cut.charAt(MAX_MESSAGE_CHARS - 1)) ? MAX_MESSAGE_CHARS - 1 : MAX_MESSAGE_CHARS;
            cut = cut.substring(0, end);
        }
        StringBuilder clean = null;
        for (int i = 0; i < cut.length(); i++) {
            if (loneSurrogateAt(cut, i)) {
                if (clean == null) {
                    clean = new StringBuilder(cut);
                }
                clean.setCharAt(i, '\uFFFD');
            } else if (Character.isHighSurrogate(cut.charAt(i))) {
                i++;
            }
        }
        return clean == null ? cut : clean.toString();
    }

    /** Control characters as spaces: text shown on one line (a subject, a summary, a log line's reason). */
    public static String oneLine(String text) {
        return text.chars().map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /**
     * A value as a log line or a header may show it: at most 256 characters, then how long it was; control characters
     * and lone surrogates written as {@code \\u} and four hex digits, so that no value can forge a line or break the
     * encoding.
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        int shown = Math.min(value.length(), MAX_QUOTE_CHARS);
        StringBuilder text = new StringBuilder(shown + 32).append('\'');
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || loneSurrogateAt(value, i) || (i == shown - 1 && Character.isHighSurrogate(c))) {
                text.append(String.format("\\u%04x", (int) c));
            } else {
                text.append(c);
            }
        }
        text.append('\'');
        if (value.length() > shown) {
            text.append("… (").append(value.length()).append(" characters)");
        }
        return text.toString();
    }

    /**
     * The first names, in order, that a JSON array holds in at most {@code maxBytes}. Counted as written, not in
     * characters: an emoji is one character of a name and 4 bytes of its JSON, a quote 2.
     */
    public static List<String> namesWithin(Collection<String> names, int maxBytes) {
        List<String> within = new ArrayList<>();
        int bytes = 2;
        for (String name : names) {
            bytes += Json.bytes(name).length + 1;
            if (bytes > maxBytes) {
                break;
            }
            within.add(name);
        }
        return List.copyOf(within);
    }

    private static boolean loneSurrogateAt(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
        }
        return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)));
    }
}
