package io.runwarden.notify;

/**
 * What {@code GET /notifications/deliveries} asks: up to {@code limit} attempts, newest first, of one channel and one
 * script when given (a digest counts for each of its scripts), after {@code cursor} when given.
 */
public record DeliveriesQuery(String channel, String scriptName, int limit, String cursor) {

    /** @throws IllegalArgumentException when the cursor is not one this API returned */
    public DeliveriesQuery {
        DeliveryCursor.decode(cursor);
    }

    /** The attempt the page goes on after (only its sort key); null from the start. */
    public DeliveryAttempt after() {
        return DeliveryCursor.decode(cursor);
    }

    public boolean matches(DeliveryAttempt attempt) {
        return (channel == null || channel.equals(attempt.channel()))
                && (scriptName == null || scriptName.equals(attempt.scriptName())
                || attempt.scripts() != null && attempt.scripts().contains(scriptName));
    }
}
