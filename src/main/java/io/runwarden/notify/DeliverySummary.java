package io.runwarden.notify;

import io.runwarden.notify.DeliveryOutcome.Outcome;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the latest attempts say of one channel, as the channel routes show it: its last delivery, its last attempt
 * and how many attempts failed or were to be retried in the last 24 hours. Test sends count: they are attempts. Only
 * the attempts the deliveries log keeps in memory are seen ({@value DeliveryLog#KEPT} across every channel).
 */
public record DeliverySummary(Instant lastDelivered, LastAttempt lastAttempt, int failedLast24h, int retriedLast24h) {
    public static final DeliverySummary NONE = new DeliverySummary(null, null, 0, 0);
    static final Duration WINDOW = Duration.ofHours(24);

    /** @param httpStatus the receiver's status, null when there was none (a network error, email) */
    public record LastAttempt(Instant time, Outcome outcome, Integer httpStatus, String detail) {
    }

    /** @param newestFirst attempts in {@link DeliveryLog#NEWEST_FIRST} order */
    public static Map<String, DeliverySummary> byChannel(List<DeliveryAttempt> newestFirst, Instant now) {
        Instant since = now.minus(WINDOW);
        Map<String, Tally> tallies = new HashMap<>();
        for (DeliveryAttempt attempt : newestFirst) {
            tallies.computeIfAbsent(attempt.channel(), channel -> new Tally()).add(attempt, !attempt.time().isBefore(since));
        }
        Map<String, DeliverySummary> summaries = new HashMap<>();
        tallies.forEach((channel, tally) -> summaries.put(channel,
                new DeliverySummary(tally.lastDelivered, tally.lastAttempt, tally.failed, tally.retried)));
        return summaries;
    }

    /** One channel's attempts, met newest first. */
    private static final class Tally {
        private Instant lastDelivered;
        private LastAttempt lastAttempt;
        private int failed;
        private int retried;

        void add(DeliveryAttempt attempt, boolean recent) {
            if (lastAttempt == null) {
                lastAttempt = new LastAttempt(attempt.time(), attempt.outcome(), attempt.httpStatus(), attempt.detail());
            }
            if (lastDelivered == null && attempt.outcome() == Outcome.DELIVERED) {
                lastDelivered = attempt.time();
            }
            if (recent && attempt.outcome() == Outcome.FAILED) {
                failed++;
            }
            if (recent && attempt.outcome() == Outcome.RETRY) {
                retried++;
            }
        }
    }
}
