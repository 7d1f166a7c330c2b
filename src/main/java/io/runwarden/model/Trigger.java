package io.runwarden.model;

import com.fasterxml.jackson.annotation.JsonValue;

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
}
