package io.runwarden.notify;

import io.runwarden.model.Json;

import java.time.Instant;

/**
 * How far a notification waiting for its retry got: kept with the channel's committed offsets, so that a restart or
 * a failover goes on counting its attempts, waits as long as the receiver asked, and gives up 24 hours after the first
 * attempt, not 24 hours after the latest restart.
 * @param id    the notification's id ({@link Notification#id})
 * @param count the attempts made
 * @param next  when the next one is due
 * @param settings the channel's settings they were made with ({@link #settingsOf}): changed since, the next is due at
 *                 once, as it is when a channel is changed while its owner waits
 */
record Attempts(String id, int count, Instant first, Instant next, String settings) {
    private static final String PREFIX = "retry ";

    /** The same attempts, the next one due {@code when}. */
    Attempts dueAt(Instant when) {
        return new Attempts(id, count, first, when, settings);
    }

    /** As offset metadata. */
    String encode() {
        return PREFIX + count + " " + first.toEpochMilli() + " " + next.toEpochMilli() + " " + settings + " " + id;
    }

    /** A digest of every setting of the channel: equal only for the very same settings. */
    static String settingsOf(Channel channel) {
        return Sha256.hex(Json.bytes(channel), 8);
    }

    /** @return null for metadata that holds no attempts: none, or written by another version */
    static Attempts decode(String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = metadata.substring(PREFIX.length()).split(" ", 5);
        try {
            Attempts read = new Attempts(parts[4], Integer.parseInt(parts[0]), Instant.ofEpochMilli(Long.parseLong(parts[1])),
                    Instant.ofEpochMilli(Long.parseLong(parts[2])), parts[3]);
            return read.count > 0 && !read.id.isEmpty() ? read : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
