package io.runwarden.notify;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * One attempt to deliver a notification to a channel, as {@code GET /notifications/deliveries} lists it. {@code kind}
 * is the alert's kind, {@code digest} or {@code test}; a digest names its {@code scripts} and {@code count} instead of
 * one script and run. {@code nextAttempt} is set when the attempt is to be retried.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryAttempt(String channel, String notificationId, String kind, String scriptName, String runId,
                              List<String> scripts, Integer count, int attempt, DeliveryOutcome.Outcome outcome,
                              Integer httpStatus, String detail, Instant time, Instant nextAttempt) {
}
