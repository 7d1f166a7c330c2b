package io.runwarden.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The status of a run, written as the original script logs' codes: 2 in progress, 0 success, -1 failed. */
public enum RunStatus {
    IN_PROGRESS(2),
    SUCCESS(0),
    FAILED(-1);

    /** Read with every stored run: a stream over the values was a tenth of a rebuild's allocations. */
    private static final Map<Integer, RunStatus> BY_CODE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(RunStatus::code, status -> status));

    private final int code;

    RunStatus(int code) {
        this.code = code;
    }

    @JsonValue
    public int code() {
        return code;
    }

    public static Optional<RunStatus> fromCode(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    @JsonCreator
    static RunStatus of(int code) {
        return fromCode(code).orElseThrow(() -> new IllegalArgumentException("status " + code + " is none of 2, 0, -1"));
    }
}
