package io.runwarden.model;

/** An event that cannot be applied; {@code reason} is a short stable code for the dead-letter headers. */
public final class InvalidEventException extends RuntimeException {
    private final String reason;

    public InvalidEventException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
