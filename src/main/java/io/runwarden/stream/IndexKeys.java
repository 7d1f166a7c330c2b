package io.runwarden.stream;

import java.time.Instant;

/**
 * Keys of the ordered indexes. Times are 19-digit epoch milliseconds, so the stores' byte order is time order;
 * "newest first" indexes store {@code Long.MAX_VALUE - millis}. A script name is followed by {@code \0}, which
 * sorts before any character a name may hold, so one script's entries form one contiguous range.
 */
public final class IndexKeys {
    static final char SCRIPT_END = '\0';

    private IndexKeys() {
    }

    /** "{@code <newest-first time>:<runId>}": also the position a logs cursor remembers. */
    public static String newestFirst(Instant time, String runId) {
        return digits(Long.MAX_VALUE - Math.max(0, time.toEpochMilli())) + ":" + runId;
    }

    /** The smallest newest-first key at or after {@code time} (later times sort first). */
    public static String newestFirstFrom(Instant time) {
        return digits(Long.MAX_VALUE - Math.max(0, time.toEpochMilli()));
    }

    static String oldestFirst(Instant time, String runId) {
        return digits(Math.max(0, time.toEpochMilli())) + ":" + runId;
    }

    static String scriptPrefix(String scriptName) {
        return scriptName + SCRIPT_END;
    }

    /** The first key after every key of the script's range. */
    static String scriptRangeEnd(String scriptName) {
        return scriptName + (char) (SCRIPT_END + 1);
    }

    static Instant oldestFirstTime(String key) {
        return Instant.ofEpochMilli(Long.parseLong(key.substring(0, 19)));
    }

    static String digits(long value) {
        return String.format("%019d", value);
    }
}
