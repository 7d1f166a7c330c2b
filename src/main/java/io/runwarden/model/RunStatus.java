package io.runwarden.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

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
        // read with every stored run: a stream over the values here was a tenth of a rebuild's allocations
        return switch (code) {
            case 2 -> Optional.of(IN_PROGRESS);
            case 0 -> Optional.of(SUCCESS);
            case -1 -> Optional.of(FAILED);
            default -> Optional.empty();
        };
    }

    @JsonCreator
    static RunStatus of(int code) {
        return fromCode(code).orElseThrow(() -> new IllegalArgumentException("status " + code + " is none of 2, 0, -1"));
    }
}
