package io.runwarden.notify;

/**
 * What a channel is sent: one alert, a digest of the alerts of one sweep or missed-start check, or a test message.
 * {@link #id()} is derived from what is sent, so that a retry carries the same {@code Runwarden-Alert-Id} and a
 * receiver can drop the duplicates that at-least-once delivery brings.
 */
public sealed interface Notification permits AlertNotification, Digest, TestMessage {

    /** The {@code Runwarden-Alert-Id}: the alertId, {@code digest:{batchId}}, or {@code test:{channel}:{uuid}}. */
    String id();
}
