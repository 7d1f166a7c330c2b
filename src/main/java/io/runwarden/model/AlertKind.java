package io.runwarden.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** What an alert on {@code script-alerts} tells: a run failed, timed out or never started, or its script recovered. */
public enum AlertKind {
    /** A run ended failed by its script. */
    FAILED("failed"),
    /** A sweep failed a run past its deadline. */
    TIMEOUT("timeout"),
    /** A slot of the script's schedule passed with no start. */
    MISSED("missed"),
    /** The first success of a script after any of the above. */
    RECOVERED("recovered");

    private final String wireName;

    AlertKind(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The alert of a run that failed for this reason. */
    public static AlertKind of(FailureReason reason) {
        return switch (reason) {
            case ERROR -> FAILED;
            case TIMEOUT -> TIMEOUT;
            case MISSED -> MISSED;
        };
    }

    public static Optional<AlertKind> fromWireName(String name) {
        return Arrays.stream(values()).filter(v -> v.wireName.equals(name)).findFirst();
    }

    /** Only the wire names: Jackson would otherwise also take an enum's position. */
    @JsonCreator
    static AlertKind ofWireName(String name) {
        return fromWireName(name).orElseThrow(() -> new IllegalArgumentException("alert kind " + Bounds.quote(name) + " is unknown"));
    }
}
