package io.runwarden.http;

import io.runwarden.model.Bounds;

import java.util.regex.Pattern;

/** A request that cannot be served, with the HTTP status and a stable error code for the JSON envelope. */
public final class ApiException extends RuntimeException {
    /** A field name an error code can carry as it is: every field runwarden reads is one. */
    private static final Pattern PLAIN_FIELD = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    /**
     * {@code invalid_<field>}. A field may be named by the client (an unknown member of a body): one that is not a
     * plain name (10,000 characters, control characters) is {@code invalid_field}, and quoted in the message as any
     * value is, at most 256 characters of it.
     */
    public static ApiException badRequest(String field, String message) {
        if (PLAIN_FIELD.matcher(field).matches()) {
            return new ApiException(400, "invalid_" + field, field + ": " + message);
        }
        return new ApiException(400, "invalid_field", Bounds.quote(field) + ": " + message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "unavailable", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
