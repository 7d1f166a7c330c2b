package io.runwarden.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runwarden.config.Tokens;
import io.runwarden.model.EventCodec;
import io.runwarden.model.EventType;
import io.runwarden.model.Json;
import io.runwarden.model.LifecycleEvent;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** Reports through the service's HTTP ingest routes, for hosts that reach the API but not Kafka. */
final class HttpReporter implements Reporter {
    /** A whole send, retries included: an unanswering service must not hold a cron job for long. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /**
     * Answers that say "not now" rather than "no": a service restarting or rebalancing (503 until its streams run),
     * a proxy in front of it. A start or an end lost to one of them is a false alarm, so they are tried again.
     */
    private static final Set<Integer> RETRIED = Set.of(408, 429, 502, 503, 504);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(250);
    /** Left for the last try: a try with less time than this would only time out. */
    private static final Duration LAST_TRY = Duration.ofSeconds(1);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    HttpReporter(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    @Override
    public void report(LifecycleEvent event) throws ReportException {
        HttpRequest.Builder request = request(event);
        Instant giveUp = Instant.now().plus(TIMEOUT);
        for (Duration pause = FIRST_PAUSE; ; pause = pause.multipliedBy(2)) {
            Duration left = Duration.between(Instant.now(), giveUp);
            ReportException failure;
            try {
                HttpResponse<String> response = client.send(request.timeout(max(left, LAST_TRY)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    return;
                }
                failure = new ReportException("HTTP " + response.statusCode() + " " + errorMessage(response.body()));
                if (!RETRIED.contains(response.statusCode())) {
                    throw failure;
                }
                pause = retryAfter(response).orElse(pause);
            } catch (ConnectException e) {
                failure = new ReportException("cannot connect"); // Java's HttpClient says nothing more
            } catch (IOException e) {
                failure = new ReportException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReportException("interrupted");
            }
            // a heartbeat is not worth the wait: the next one follows, and an end queued behind it must not wait
            Duration wait = min(pause, Duration.between(Instant.now(), giveUp).minus(LAST_TRY));
            if (event.type() == EventType.HEARTBEAT || wait.isNegative()) {
                throw failure;
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure;
            }
        }
    }

    private HttpRequest.Builder request(LifecycleEvent event) throws ReportException {
        String path = event.type() == EventType.STARTED ? "/script/runs"
                : "/script/runs/" + URLEncoder.encode(event.runId(), StandardCharsets.UTF_8).replace("+", "%20")
                + "/" + event.type().wireName();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(event)));
        if (token != null) {
            // java.net.http refuses other characters with a message that quotes the header: the token, on stderr
            if (!Tokens.headerSafe(token)) {
                throw new ReportException("the token (--token or RUNWARDEN_API_TOKEN) holds a character that is not"
                        + " visible ASCII (a space, a control character or a non-ASCII letter): an HTTP header cannot carry it");
            }
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    /** {@code Retry-After} in seconds, as the service sends it while it starts; a date is not worth parsing here. */
    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").filter(value -> value.matches("\\d{1,6}"))
                .map(seconds -> Duration.ofSeconds(Long.parseLong(seconds)));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The event in the codec's form, without {@code event}: the route takes it from the path. */
    private static byte[] body(LifecycleEvent event) {
        ObjectNode fields = EventCodec.node(event);
        fields.remove("event");
        return Json.bytes(fields);
    }

    /** The service's error envelope says what is wrong (a missing token, a bad field); anything else is shown as is. */
    private static String errorMessage(String body) {
        try {
            JsonNode error = Json.MAPPER.readTree(body).path("error");
            if (error.has("message")) {
                return error.path("code").asText() + ": " + error.path("message").asText();
            }
        } catch (IOException e) {
            // not the service's envelope
        }
        return body.length() > 200 ? body.substring(0, 200) : body;
    }

    @Override
    public String target() {
        return base.toString();
    }

    @Override
    public void close() {
        // HttpClient holds no connection worth closing before the JVM exits
    }
}
