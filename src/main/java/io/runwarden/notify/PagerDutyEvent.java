package io.runwarden.notify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.runwarden.model.Bounds;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** An event of PagerDuty's Events API v2 ({@code POST /v2/enqueue}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
record PagerDutyEvent(@JsonProperty("routing_key") String routingKey,
                      @JsonProperty("event_action") String eventAction,
                      @JsonProperty("dedup_key") String dedupKey,
                      String client,
                      Payload payload) {
    static final String TRIGGER = "trigger";
    static final String RESOLVE = "resolve";
    /** PagerDuty's bounds on a summary and a dedup_key. */
    static final int MAX_SUMMARY_CHARS = 1_024;
    static final int MAX_DEDUP_KEY_CHARS = 255;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Payload(String summary, String source, String severity, Instant timestamp,
                   @JsonProperty("custom_details") Object customDetails) {
    }

    static PagerDutyEvent of(String routingKey, String action, String dedupKey, String summary, Instant timestamp,
                             Object details) {
        String severity = TRIGGER.equals(action) ? "error" : "info";
        return new PagerDutyEvent(routingKey, action, dedupKey(dedupKey), "runwarden",
                new Payload(NotificationText.cut(Bounds.oneLine(summary), MAX_SUMMARY_CHARS - 1), "runwarden",
                        severity, timestamp, details));
    }

    /**
     * The key as given when PagerDuty takes it; a longer one (a script name may have 256 characters) becomes its start
     * and a hash of the whole, so that two long names still make two incidents.
     */
    static String dedupKey(String key) {
        if (key.length() <= MAX_DEDUP_KEY_CHARS) {
            return key;
        }
        int end = Character.isHighSurrogate(key.charAt(199)) ? 199 : 200;
        return key.substring(0, end) + "#" + Sha256.hex(key.getBytes(StandardCharsets.UTF_8), 16);
    }
}
