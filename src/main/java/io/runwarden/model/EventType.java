package io.runwarden.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Optional;

/** What a lifecycle event on {@code script-events} says happened to a run. */
public enum EventType {
    STARTED("started"),
    HEARTBEAT("heartbeat"),
    SUCCEEDED("succeeded"),
    FAILED("failed");

    /** {@code values()} copies its array on every call: once here, as every event's type is looked up. */
    private static final EventType[] TYPES = values();

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public boolean isEnd() {
        return this == SUCCEEDED || this == FAILED;
    }

    /** The run status this event leaves a run in. */
    public RunStatus status() {
        return switch (this) {
            case STARTED, HEARTBEAT -> RunStatus.IN_PROGRESS;
            case SUCCEEDED -> RunStatus.SUCCESS;
            case FAILED -> RunStatus.FAILED;
        };
    }

    public static Optional<EventType> fromWireName(String name) {
        for (EventType type : TYPES) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** The original logs' form: {@code "status": 2 | 0 | -1}. */
    public static Optional<EventType> fromStatus(int code) {
        return RunStatus.fromCode(code).map(status -> switch (status) {
            case IN_PROGRESS -> STARTED;
            case SUCCESS -> SUCCEEDED;
            case FAILED -> FAILED;
        });
    }

    /** Only the wire names: Jackson would otherwise also take an enum's position, {@code 1} or {@code "1"}. */
    @JsonCreator
    static EventType ofWireName(String name) {
        return fromWireName(name).orElseThrow(() -> new IllegalArgumentException("event " + Bounds.quote(name) + " is unknown"));
    }
}
