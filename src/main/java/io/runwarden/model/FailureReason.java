package io.runwarden.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** Why a run failed: its script said so, a sweep found it past its deadline, or it never started. */
public enum FailureReason {
    ERROR("error"),
    TIMEOUT("timeout"),
    /** A slot of the script's schedule that no run kept: recorded as a run of its own. */
    MISSED("missed");

    private final String wireName;

    FailureReason(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static Optional<FailureReason> fromWireName(String name) {
        return Arrays.stream(values()).filter(v -> v.wireName.equals(name)).findFirst();
    }

    /** Only the wire names: Jackson would otherwise also take an enum's position, {@code 1} or {@code "1"}. */
    @JsonCreator
    static FailureReason ofWireName(String name) {
        return fromWireName(name).orElseThrow(() -> new IllegalArgumentException("failure reason " + Bounds.quote(name) + " is unknown"));
    }
}
