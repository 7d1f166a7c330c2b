package io.runwarden.notify;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One JSON POST and what its answer means. The whole exchange, connecting included, is bounded by one timeout
 * whatever the client was built with: a receiver that accepts and never answers, or answers without end, holds a
 * sender at most that long.
 */
final class HttpDelivery {
    /** How much of an answer is read: enough for Slack's {@code invalid_token} or PagerDuty's error list. */
    static final int MAX_ANSWER_BYTES = 4_096;
    /** How much of an answer a detail quotes. */
    private static final int ANSWER_CHARS = 200;

    private final HttpClient client;
    private final Duration timeout;
    private final Clock clock;

    HttpDelivery(HttpClient client, Duration timeout, Clock clock) {
        this.client = client;
        this.timeout = timeout;
        this.clock = clock;
    }

    DeliveryOutcome post(String url, byte[] body, Map<String, String> headers, Redactor redactor) {
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "runwarden")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(builder::header);
            request = builder.build();
        } catch (IllegalArgumentException e) {
            return DeliveryOutcome.failed(null, "the request could not be made: " + redactor.clean(e.getMessage()));
        }
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request, LimitedBody.handler(MAX_ANSWER_BYTES));
        HttpResponse<byte[]> response;
        try {
            response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return DeliveryOutcome.retry(null, "no answer within " + seconds(), null);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return DeliveryOutcome.retry(null, "interrupted while sending", null);
        } catch (ExecutionException e) {
            return networkError(e.getCause(), redactor);
        }
        int status = response.statusCode();
        String answer = answer(response.body(), redactor);
        String detail = "HTTP " + status + (answer.isEmpty() ? "" : ": " + answer);
        Duration retryAfter = status == 429 || status == 503
                ? RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock.instant())
                : null;
        return DeliveryOutcome.ofHttpStatus(status, detail, retryAfter);
    }

    /** Every failure to get an answer may pass: the receiver down, a timeout, a reset, TLS that a fix will mend. */
    private DeliveryOutcome networkError(Throwable cause, Redactor redactor) {
        if (cause instanceof HttpConnectTimeoutException) {
            return DeliveryOutcome.retry(null, "could not connect within " + seconds(), null);
        }
        if (cause instanceof HttpTimeoutException) {
            return DeliveryOutcome.retry(null, "no answer within " + seconds(), null);
        }
        if (causedBy(cause, UnresolvedAddressException.class) || causedBy(cause, UnknownHostException.class)) {
            return DeliveryOutcome.retry(null, "could not connect: the host name does not resolve", null);
        }
        if (cause instanceof ConnectException) {
            // Java's client says "refused" with a message-less ConnectException around a ClosedChannelException
            return DeliveryOutcome.retry(null, "could not connect: "
                    + (cause.getMessage() == null ? "refused" : redactor.describe(cause)), null);
        }
        if (cause instanceof IOException) {
            return DeliveryOutcome.retry(null, "network error: " + redactor.describe(cause), null);
        }
        return DeliveryOutcome.retry(null, "error while sending: " + redactor.describe(cause), null);
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        Throwable e = error;
        for (int depth = 0; e != null && depth < Redactor.MAX_CAUSES; depth++, e = e.getCause()) {
            if (type.isInstance(e)) {
                return true;
            }
        }
        return false;
    }

    private String seconds() {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    /** The start of an answer, credentials taken out before it is cut (a cut could leave half of one). */
    private static String answer(byte[] body, Redactor redactor) {
        String text = redactor.clean(new String(body, StandardCharsets.UTF_8)).replaceAll("\\s+", " ").strip();
        return NotificationText.cut(text, ANSWER_CHARS);
    }
}
