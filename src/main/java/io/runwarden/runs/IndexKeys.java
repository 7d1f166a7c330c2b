package io.runwarden.runs;

import io.runwarden.model.RunStatus;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys of the ordered indexes, and the two operations every index shares. Times are 19-digit epoch milliseconds, so the stores' byte order is time order;
 * "newest first" indexes store {@code Long.MAX_VALUE - millis}. A script name is followed by {@code \0}, which
 * sorts before any character a name may hold, so one script's entries form one contiguous range.
 */
final class IndexKeys {
    static final char SCRIPT_END = '\0';
    private static final String ZEROS = "0000000000000000000";

    private IndexKeys() {
    }

    /** "{@code <newest-first time>:<runId>}": also the position a logs cursor remembers. */
    static String newestFirst(Instant time, String runId) {
        return timed(Long.MAX_VALUE - Math.max(0, time.toEpochMilli()), runId);
    }

    /** The smallest newest-first key at or after {@code time} (later times sort first). */
    static String newestFirstFrom(Instant time) {
        return digits(Long.MAX_VALUE - Math.max(0, time.toEpochMilli()));
    }

    static String oldestFirst(Instant time, String runId) {
        return timed(Math.max(0, time.toEpochMilli()), runId);
    }

    /** "{@code <19 digits>:<runId>}" in one pass: keys are built for every run a rebuild reads. */
    private static String timed(long value, String runId) {
        return padded(new StringBuilder(20 + runId.length()), value).append(':').append(runId).toString();
    }

    /** The start of a status's part of the status index. */
    static String statusPrefix(RunStatus status) {
        return status.code() + String.valueOf(SCRIPT_END);
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
        return padded(new StringBuilder(19), value).toString();
    }

    /** {@code value} in 19 digits: String.format was the dearest step of writing an index entry. */
    private static StringBuilder padded(StringBuilder to, long value) {
        String number = Long.toString(value);
        return to.append(ZEROS, number.length(), ZEROS.length()).append(number);
    }

    /** Moves a run's index entry from {@code oldKey} to {@code newKey}; a null key means "not indexed". */
    static void move(WritableIndex index, String oldKey, String newKey, String runId) {
        if (oldKey != null && !oldKey.equals(newKey)) {
            index.delete(oldKey);
        }
        if (newKey != null && !newKey.equals(oldKey)) {
            index.put(newKey, runId);
        }
    }

    /**
     * The values of an oldest-first index whose time is before {@code before}, earliest first, at most {@code limit}.
     * The bound sorts before every key of its own millisecond: "...0001:" > "...0001".
     */
    static List<String> valuesBefore(IndexView index, Instant before, int limit) {
        return entriesBefore(index, before, limit).stream().map(entry -> entry.value).toList();
    }

    /** The same, with their keys. */
    static List<KeyValue<String, String>> entriesBefore(IndexView index, Instant before, int limit) {
        return entriesBetween(index, Instant.EPOCH, before, limit);
    }

    /** The entries of an oldest-first index whose time is from {@code from} and before {@code before}, earliest first. */
    static List<KeyValue<String, String>> entriesBetween(IndexView index, Instant from, Instant before, int limit) {
        List<KeyValue<String, String>> entries = new ArrayList<>();
        try (KeyValueIterator<String, String> it = index.range(digits(Math.max(0, from.toEpochMilli())),
                digits(Math.max(0, before.toEpochMilli())))) {
            while (it.hasNext() && entries.size() < limit) {
                entries.add(it.next());
            }
        }
        return entries;
    }
}
