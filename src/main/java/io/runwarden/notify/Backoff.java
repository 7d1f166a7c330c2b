package io.runwarden.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a notification that a channel could not take is tried again: after 1 s, doubling up to 10 minutes, or later
 * when the receiver asked for it (Retry-After, up to an hour); not after 24 hours from its first attempt.
 */
final class Backoff {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration LONGEST = Duration.ofMinutes(10);
    static final Duration LONGEST_ASKED = Duration.ofHours(1);
    static final Duration GIVE_UP_AFTER = Duration.ofHours(24);

    private Backoff() {
    }

    /**
     * @param attempts   how many attempts were made, the one that just failed included
     * @param retryAfter what the receiver asked for, null if nothing
     * @return when to try again; empty when the notification has been tried long enough
     */
    static Optional<Instant> next(Instant firstAttempt, int attempts, Duration retryAfter, Instant now) {
        Duration wait = attempts >= 20 ? LONGEST : min(FIRST.multipliedBy(1L << Math.max(0, attempts - 1)), LONGEST);
        if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
            wait = min(retryAfter, LONGEST_ASKED);
        }
        Instant giveUp = firstAttempt.plus(GIVE_UP_AFTER);
        if (!now.isBefore(giveUp)) {
            return Optional.empty();
        }
        Instant next = now.plus(wait);
        return Optional.of(next.isAfter(giveUp) ? giveUp : next);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
