package io.runwarden.notify;

import io.runwarden.model.Alert;

import java.util.Objects;

/** One alert, sent as it is. */
public record AlertNotification(Alert alert) implements Notification {

    public AlertNotification {
        Objects.requireNonNull(alert, "alert");
    }

    @Override
    public String id() {
        return alert.alertId();
    }
}
