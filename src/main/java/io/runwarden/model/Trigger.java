package io.runwarden.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** What started a sweep: a cron job, or someone asking (HTTP, Java). */
public enum Trigger {
    SCHEDULED("scheduled"),
    MANUAL("manual");

    private final String wireName;

    Trigger(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static Optional<Trigger> fromWireName(String name) {
        return Arrays.stream(values()).filter(v -> v.wireName.equals(name)).findFirst();
    }

    /** Only the wire names: Jackson would otherwise also take an enum's position, {@code 1} or {@code "1"}. */
    @JsonCreator
    static Trigger ofWireName(String name) {
        return fromWireName(name).orElseThrow(() -> new IllegalArgumentException("trigger " + Bounds.quote(name) + " is unknown"));
    }
}
