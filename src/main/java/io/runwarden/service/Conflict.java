package io.runwarden.service;

/** A change the current state refuses (409), such as a channel beyond the limit; {@code code} names why. */
public final class Conflict extends RuntimeException {
    private final String code;

    public Conflict(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
