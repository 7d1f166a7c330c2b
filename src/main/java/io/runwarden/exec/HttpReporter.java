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

/** Reports through the service's HTTP ingest routes, for hosts that reach the API but not Kafka. */
final class HttpReporter implements Reporter {
    /** An unanswering service must not hold a cron job for long. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    HttpReporter(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    @Override
    public void report(LifecycleEvent event) throws ReportException {
        String path = event.type() == EventType.STARTED ? "/script/runs"
                : "/script/runs/" + URLEncoder.encode(event.runId(), StandardCharsets.UTF_8).replace("+", "%20")
                + "/" + event.type().wireName();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
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
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ReportException("cannot connect"); // Java's HttpClient says nothing more
        } catch (IOException e) {
            throw new ReportException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReportException("interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            throw new ReportException("HTTP " + response.statusCode() + " " + errorMessage(response.body()));
        }
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
