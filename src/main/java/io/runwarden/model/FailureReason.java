package io.runwarden.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a run failed: its script said so, or a sweep found it past its deadline. */
public enum FailureReason {
    ERROR("error"),
    TIMEOUT("timeout");

    private final String wireName;

    FailureReason(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
