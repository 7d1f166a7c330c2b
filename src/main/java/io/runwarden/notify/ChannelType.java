package io.runwarden.notify;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.runwarden.model.Bounds;

import java.util.Arrays;
import java.util.Optional;

/** Where a channel delivers: an HTTP endpoint of the user's, a Slack incoming webhook, email, or PagerDuty. */
public enum ChannelType {
    WEBHOOK("webhook", true),
    SLACK("slack", true),
    EMAIL("email", true),
    /** PagerDuty deduplicates on the script itself: it gets each alert, never a digest. */
    PAGERDUTY("pagerduty", false);

    private final String wireName;
    private final boolean digests;

    ChannelType(String wireName, boolean digests) {
        this.wireName = wireName;
        this.digests = digests;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Whether a batch of many alerts goes to this type as one digest rather than one message per alert. */
    public boolean digests() {
        return digests;
    }

    public static Optional<ChannelType> fromWireName(String name) {
        return Arrays.stream(values()).filter(v -> v.wireName.equals(name)).findFirst();
    }

    /** Only the wire names: Jackson would otherwise also take an enum's position. */
    @JsonCreator
    static ChannelType ofWireName(String name) {
        return fromWireName(name).orElseThrow(() -> new IllegalArgumentException("channel type " + Bounds.quote(name) + " is unknown"));
    }
}
