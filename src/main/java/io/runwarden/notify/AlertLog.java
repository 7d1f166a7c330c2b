package io.runwarden.notify;

import io.runwarden.kafka.TopicTail;
import io.runwarden.model.Alert;
import io.runwarden.model.CodePointOrder;
import io.runwarden.model.Json;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The latest alerts of {@code script-alerts}, read by every instance into a bounded memory, so that any instance
 * answers {@code GET /notifications/alerts} (the dashboard's panel) for all of them.
 */
public final class AlertLog implements AutoCloseable {
    public static final int KEPT = 10_000;
    /** Newest first; ties by alertId, so that one fact read twice is kept once. */
    public static final Comparator<Alert> NEWEST_FIRST = Comparator.comparing(Alert::time).reversed()
            .thenComparing(Alert::alertId, CodePointOrder.COMPARATOR);

    private final TopicTail<Alert> latest;

    public AlertLog(Map<String, Object> clientConfig, String topic) {
        latest = new TopicTail<>(clientConfig, topic, KEPT, NEWEST_FIRST, AlertLog::read, "runwarden-alerts");
    }

    public AlertLog start() {
        latest.start();
        return this;
    }

    /** Up to {@code limit} alerts, newest first, of {@code scriptName} when given. */
    public List<Alert> recent(String scriptName, int limit) {
        return latest.page(alert -> scriptName == null || scriptName.equals(alert.scriptName()), null, limit);
    }

    private static Alert read(byte[] value) {
        Alert alert = Json.read(value, Alert.class);
        if (alert.time() == null || alert.alertId() == null || alert.kind() == null) {
            throw new IllegalArgumentException("an alert needs its time, alertId and kind");
        }
        return alert;
    }

    @Override
    public void close() {
        latest.close();
    }
}
