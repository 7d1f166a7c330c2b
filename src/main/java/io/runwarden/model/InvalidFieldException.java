package io.runwarden.model;

/** A value a caller gave that runwarden refuses, naming the field it came in, so that the API can say which. */
public final class InvalidFieldException extends IllegalArgumentException {
    private final String field;

    public InvalidFieldException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
