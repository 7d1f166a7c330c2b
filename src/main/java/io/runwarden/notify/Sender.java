package io.runwarden.notify;

import java.time.Duration;

/**
 * Delivers a notification to a channel of one type, once, synchronously. Never throws: whatever happens is an
 * outcome (delivered, to retry, failed), and every network call is bounded by a timeout of at most 10 seconds.
 */
public interface Sender {
    /** The bound on each network step of a sender: connecting, and waiting for each answer. */
    Duration TIMEOUT = Duration.ofSeconds(10);

    DeliveryOutcome send(Channel channel, Notification notification);
}
