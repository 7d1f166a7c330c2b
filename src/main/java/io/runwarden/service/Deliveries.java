package io.runwarden.service;

import io.runwarden.notify.DeliveriesQuery;
import io.runwarden.notify.DeliveryPage;

/** The attempts to deliver notifications, every instance's: each instance reads them all. */
public interface Deliveries {
    DeliveryPage page(DeliveriesQuery query);
}
