package io.runwarden.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.Patience;
import io.runwarden.model.Json;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Real HTTP requests, as curl or a dashboard would make them. */
public final class HttpTestClient {
    public record Response(int status, JsonNode body, HttpHeaders headers, String text) {
        public JsonNode data() {
            return body.path("data");
        }

        String errorCode() {
            return body.path("error").path("code").asText(null);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Patience.HTTP_CONNECT).build();
    private final String base;
    private final String token;

    public HttpTestClient(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    /** Which of {@code ports} is the API of the instance that holds partition 0 (the scheduler's); -1 when none. */
    public int ownerOfPartitionZero(List<Integer> ports) {
        for (JsonNode instance : get("/internal/cluster").data()) {
            for (JsonNode partition : instance.path("activePartitions")) {
                if (partition.asInt() == 0) {
                    return ports.indexOf(instance.path("port").asInt());
                }
            }
        }
        return -1;
    }

    public Response get(String path) {
        return send(withToken(HttpRequest.newBuilder(URI.create(base + path)).GET()));
    }

    /** A GET of something other than JSON, such as /metrics: the answer is in {@code text}, {@code body} is null. */
    public Response getText(String path) {
        return sendText(withToken(HttpRequest.newBuilder(URI.create(base + path)).GET()));
    }

    /** Sends a request whose answer may be other than JSON: the answer is in {@code text}, {@code body} is null. */
    Response sendText(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.timeout(Patience.HTTP_REQUEST).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), null, response.headers(), response.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Response post(String path, String json) {
        return send(withToken(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))));
    }

    /** A POST of any body with any content type, as curl sends a ping ({@code null}: no body). */
    public Response postText(String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(withToken(request));
    }

    public Response put(String path, String json) {
        return send(withToken(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))));
    }

    public Response delete(String path) {
        return send(withToken(HttpRequest.newBuilder(URI.create(base + path)).DELETE()));
    }

    Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.timeout(Patience.HTTP_REQUEST).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(response.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body());
            }
            return new Response(response.statusCode(), body, response.headers(), response.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * A request written by hand on a socket, for headers java.net.http will not send as given ({@code Host}). The
     * answer's {@code text} is its body and {@code body} its JSON; {@code headers} is empty.
     */
    Response raw(String method, String path, Map<String, String> headers) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
        URI uri = URI.create(base);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(answer.indexOf(' ') + 1, answer.indexOf(' ') + 4));
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            // the body may come chunked: its JSON lies between the first '{' and the last '}'
            String json = body.contains("{") ? body.substring(body.indexOf('{'), body.lastIndexOf('}') + 1) : "null";
            return new Response(status, Json.MAPPER.readTree(json),
                    HttpHeaders.of(Map.of(), (a, b) -> true), body);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path));
    }

    private HttpRequest.Builder withToken(HttpRequest.Builder builder) {
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }
}
