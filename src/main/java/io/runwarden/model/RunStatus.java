package io.runwarden.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** The status of a run, written as the original script logs' codes: 2 in progress, 0 success, -1 failed. */
public enum RunStatus {
    IN_PROGRESS(2),
    SUCCESS(0),
    FAILED(-1);

    private final int code;

    RunStatus(int code) {
        this.code = code;
    }

    @JsonValue
    public int code() {
        return code;
    }

    public static Optional<RunStatus> fromCode(int code) {
        return Arrays.stream(values()).filter(s -> s.code == code).findFirst();
    }

    @JsonCreator
    static RunStatus of(int code) {
        return fromCode(code).orElseThrow(() -> new IllegalArgumentException("status " + code + " is none of 2, 0, -1"));
    }
}
