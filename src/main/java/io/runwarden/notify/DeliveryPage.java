package io.runwarden.notify;

import java.util.List;

/** A page of delivery attempts, newest first, and the cursor of the next page: null when nothing follows. */
public record DeliveryPage(List<DeliveryAttempt> deliveries, String nextCursor) {

    /** @param found up to {@code limit + 1} attempts in order: one more than the page says that another page follows */
    public static DeliveryPage of(List<DeliveryAttempt> found, int limit) {
        if (found.size() <= limit) {
            return new DeliveryPage(List.copyOf(found), null);
        }
        List<DeliveryAttempt> page = List.copyOf(found.subList(0, limit));
        return new DeliveryPage(page, DeliveryCursor.encode(page.get(limit - 1)));
    }
}
