package io.runwarden.notify;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.runwarden.model.Bounds;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * How one attempt to deliver went. {@code detail} is short and holds no secret (the senders build it without the
 * channel's URL, secret or routing key, nor the SMTP password); it is cut here at {@value #MAX_DETAIL_CHARS}
 * characters, with control characters made spaces, so that no receiver's answer can fill the log or forge a line.
 * @param httpStatus the receiver's HTTP status, null when there was none (network error, email)
 * @param retryAfter what a 429 or 503 asked for in {@code Retry-After}, null when it did not
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryOutcome(Outcome outcome, Integer httpStatus, String detail, Duration retryAfter) {
    public static final int MAX_DETAIL_CHARS = 256;

    public DeliveryOutcome {
        Objects.requireNonNull(outcome, "outcome");
        detail = bounded(detail);
    }

    public static DeliveryOutcome delivered(Integer httpStatus, String detail) {
        return new DeliveryOutcome(Outcome.DELIVERED, httpStatus, detail, null);
    }

    public static DeliveryOutcome retry(Integer httpStatus, String detail, Duration retryAfter) {
        return new DeliveryOutcome(Outcome.RETRY, httpStatus, detail, retryAfter);
    }

    public static DeliveryOutcome failed(Integer httpStatus, String detail) {
        return new DeliveryOutcome(Outcome.FAILED, httpStatus, detail, null);
    }

    /**
     * What an HTTP status means for a notification (DESIGN, "Notifications"): a 2xx delivers; 408, 429 and 5xx are
     * worth another try; anything else (a redirect, which is not followed, or a 4xx) will not get better by retrying.
     */
    public static DeliveryOutcome ofHttpStatus(int status, String detail, Duration retryAfter) {
        if (status >= 200 && status < 300) {
            return delivered(status, detail);
        }
        if (status == 408 || status == 429 || status >= 500 && status < 600) {
            return retry(status, detail, retryAfter);
        }
        return failed(status, detail);
    }

    private static String bounded(String detail) {
        if (detail == null) {
            return null;
        }
        StringBuilder text = new StringBuilder(Math.min(detail.length(), MAX_DETAIL_CHARS));
        for (int i = 0; i < detail.length() && text.length() < MAX_DETAIL_CHARS; i++) {
            char c = detail.charAt(i);
            if (Character.isHighSurrogate(c) && (i + 1 >= detail.length() || text.length() + 1 >= MAX_DETAIL_CHARS)) {
                break; // no half of a pair at the end
            }
            text.append(Character.isISOControl(c) ? ' ' : c);
        }
        return Bounds.message(text.toString().strip());
    }

    /** What became of an attempt, with the wire names of {@code runwarden_notifications_total{outcome}}. */
    public enum Outcome {
        DELIVERED("delivered"),
        RETRY("retried"),
        FAILED("failed");

        private final String wireName;

        Outcome(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }

        public static Optional<Outcome> fromWireName(String name) {
            return Arrays.stream(values()).filter(v -> v.wireName.equals(name)).findFirst();
        }

        /** Only the wire names: Jackson would otherwise also take an enum's position. */
        @JsonCreator
        static Outcome ofWireName(String name) {
            return fromWireName(name).orElseThrow(() -> new IllegalArgumentException("outcome " + Bounds.quote(name) + " is unknown"));
        }
    }
}
