package io.runwarden.notify;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** A {@code Retry-After} header: seconds, or an HTTP date; bounded by the 24 hours a notification is retried at most. */
final class RetryAfter {
    static final Duration MAX = Duration.ofHours(24);

    private RetryAfter() {
    }

    /** The wait it asks for, or null when it is absent or unreadable (the notifier's own backoff then applies). */
    static Duration parse(String value, Instant now) {
        if (value == null) {
            return null;
        }
        String text = value.strip();
        if (!text.isEmpty() && text.length() <= 12 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long seconds = Long.parseLong(text);
            return seconds > MAX.getSeconds() ? MAX : Duration.ofSeconds(seconds);
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return wait.isNegative() ? Duration.ZERO : wait.compareTo(MAX) > 0 ? MAX : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
