package io.runwarden.notify;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A message that proves a channel works ({@code POST /notifications/channels/{name}/test}); each request is its own. */
public record TestMessage(String channel, UUID uuid, Instant requestedAt) implements Notification {

    public TestMessage {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    public static TestMessage of(String channel, Instant requestedAt) {
        return new TestMessage(channel, UUID.randomUUID(), requestedAt);
    }

    @Override
    public String id() {
        return "test:" + channel + ":" + uuid;
    }
}
