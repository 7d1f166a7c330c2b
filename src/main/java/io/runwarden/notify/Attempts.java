package io.runwarden.notify;

import java.time.Instant;

/**
 * How far a notification waiting for its retry got: kept with the channel's committed offsets, so that a restart or
 * a failover goes on counting its attempts, waits as long as the receiver asked, and gives up 24 hours after the first
 * attempt, not 24 hours after the latest restart.
 * @param id    the notification's id ({@link Notification#id})
 * @param count the attempts made
 * @param next  when the next one is due
 */
record Attempts(String id, int count, Instant first, Instant next) {
    private static final String PREFIX = "retry ";

    /** As offset metadata. */
    String encode() {
        return PREFIX + count + " " + first.toEpochMilli() + " " + next.toEpochMilli() + " " + id;
    }

    /** @return null for metadata that holds no attempts: none, or written by another version */
    static Attempts decode(String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = metadata.substring(PREFIX.length()).split(" ", 4);
        try {
            Attempts read = new Attempts(parts[3], Integer.parseInt(parts[0]), Instant.ofEpochMilli(Long.parseLong(parts[1])),
                    Instant.ofEpochMilli(Long.parseLong(parts[2])));
            return read.count > 0 && !read.id.isEmpty() ? read : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
