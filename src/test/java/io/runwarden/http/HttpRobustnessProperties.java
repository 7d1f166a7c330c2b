package io.runwarden.http;

import io.runwarden.TestSettings;
import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.Patience;
import io.runwarden.RunwardenService;
import io.runwarden.model.Json;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random methods, paths, parameters, bodies and headers at every route: never a 5xx, never a stack trace, always the
 * JSON envelope (but for the routes that answer in their own formats), and the service stays ready. The values lean
 * to the edges of the bounds: unknown charsets, instants beyond 1970..9999, control characters, lone surrogates,
 * 100k-character values, deeply nested JSON, values of the wrong type, and Origin headers of pages elsewhere.
 */
// jqwik reads its own tags, not JUnit's: see io.runwarden.IntegrationTest
@Tag("integration")
class HttpRobustnessProperties {
    private static final String TOKEN = "fuzz-token";
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    private static final List<String> PARAMS = List.of("scriptName", "status", "from", "to", "limit", "cursor", "dryRun",
            "timeout", "overwrite", "partition", "asOf", "x");
    private static final List<String> FIELDS = List.of("scriptName", "runId", "time", "message", "maxRuntime", "event",
            "status", "schedule", "timezone", "enabled", "description", "x");
    private static RunwardenService service;
    private static List<String[]> routes; // {method, template}
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static Call previous;

    record Call(String method, String template, String path, String query, byte[] body, String contentType, String auth,
                String origin) {
        /** An Origin that is not this service's own, which the Origin rule refuses on a write. */
        boolean foreignOrigin() {
            return origin != null && !origin.equals(ownOrigin());
        }
    }

    private static String ownOrigin() {
        return "http://127.0.0.1:" + service.httpPort();
    }

    @BeforeContainer
    static void start() throws Exception {
        service = RunwardenService.start(TestSettings.env("RUNWARDEN_DATA_DIR",
                Files.createTempDirectory("runwarden-fuzz").toString(), "RUNWARDEN_API_TOKEN", TOKEN,
                "RUNWARDEN_APPLICATION_ID", "runwarden-fuzz"));
        routes = new ArrayList<>();
        try (InputStream in = HttpRobustnessProperties.class.getResourceAsStream("/openapi.json")) {
            JsonNode paths = Json.MAPPER.readTree(in).path("paths");
            paths.fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method ->
                    routes.add(new String[]{method.toUpperCase(), path.getKey()})));
        }
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            HttpResponse<String> ready = CLIENT.send(HttpRequest.newBuilder(URI.create(ownOrigin() + "/ready"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as("still ready after the fuzzing: %s", ready.body()).isEqualTo(200);
        } finally {
            service.close();
        }
    }

    /** Jetty's limit on a request's line and headers, less room for the method and the headers this test sends. */
    private static final int REQUEST_LINE_LIMIT = 8_192 - 512;

    @Property(tries = 1000)
    void noRequestGetsA5xxOrAStackTrace(@ForAll("calls") Call call) throws Exception {
        HttpResponse<String> response;
        try {
            response = send(call);
        } catch (IOException e) {
            if (call.path().length() + call.query().length() > REQUEST_LINE_LIMIT) {
                // Jetty answers 414 to a request line over its 8 KiB and closes the connection at once: a client still
                // writing may see the close before the answer. Refusing such a request is right; the answer is best effort
                return;
            }
            throw new AssertionError("no answer to " + call + " with body '" + new String(call.body(), StandardCharsets.UTF_8)
                    + "' after " + previous + " with body '" + new String(previous.body(), StandardCharsets.UTF_8) + "'", e);
        }
        previous = call;

        assertThat(response.statusCode()).as("%s", call).isLessThan(500);
        assertThat(response.body()).as("%s", call).doesNotContain("Exception", "\tat ", "at io.", "at org.");
        // the dashboard's files, /metrics and /openapi.json answer in their own formats; every error is the envelope
        String type = response.headers().firstValue("Content-Type").orElse("");
        boolean envelope = type.startsWith("application/json") && !call.path().equals("/openapi.json");
        if (!response.body().isEmpty() && !call.method().equals("OPTIONS") && (envelope || response.statusCode() >= 400)) {
            JsonNode body = Json.MAPPER.readTree(response.body());
            assertThat(body.has("success")).as("%s -> %s", call, response.body()).isTrue();
        }
        boolean mutation = Set.of("POST", "PUT").contains(call.method()) && call.template() != null
                && routes.stream().anyMatch(r -> r[0].equals(call.method()) && r[1].equals(call.template()));
        // Jetty refuses some requests itself (a NUL in the path, a 100k URI) before any rule of ours can look at them
        boolean refusedByJetty = envelopeCode(response).startsWith("http_");
        if (mutation && !refusedByJetty && call.foreignOrigin()) {
            assertThat(response.statusCode()).as("%s", call).isEqualTo(403);
        } else if (mutation && !refusedByJetty && !("Bearer " + TOKEN).equals(call.auth())) {
            assertThat(response.statusCode()).as("%s", call).isEqualTo(401);
        }
    }

    private static String envelopeCode(HttpResponse<String> response) throws IOException {
        if (response.statusCode() < 400 || response.body().isEmpty()) {
            return "";
        }
        return Json.MAPPER.readTree(response.body()).path("error").path("code").asText("");
    }

    @Provide
    Arbitrary<Call> calls() {
        Arbitrary<String> safeSegment = Arbitraries.strings().withChars("abcXYZ019-_.~ ").ofMinLength(1).ofMaxLength(20)
                .filter(s -> !s.equals(".") && !s.equals("..") && !s.isBlank());
        Arbitrary<String> segment = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, safeSegment),
                net.jqwik.api.Tuple.of(1, hostileText()));
        Arbitrary<String[]> routed = Arbitraries.of(routes).flatMap(route -> segment.list().ofSize(3).map(values -> {
            String path = route[1];
            for (String value : values) {
                path = path.replaceFirst("\\{[^}]+}", encode(value).replace("+", "%20"));
            }
            return new String[]{route[1], path};
        }));
        Arbitrary<String[]> random = Arbitraries.strings().all().ofMaxLength(30).list().ofMaxSize(4)
                .map(segments -> new String[]{null, "/" + String.join("/", segments.stream().map(HttpRobustnessProperties::encode).toList())});
        Arbitrary<String> query = Combinators.combine(Arbitraries.of(PARAMS), anyText()).as((k, v) -> k + "=" + encode(v))
                .list().ofMaxSize(4).map(pairs -> String.join("&", pairs));
        Arbitrary<byte[]> body = Arbitraries.oneOf(
                Arbitraries.just(new byte[0]),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                anyText().map(t -> t.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.maps(Arbitraries.of(FIELDS), jsonValue()).ofMaxSize(5).map(HttpRobustnessProperties::json),
                Arbitraries.integers().between(1, 10_000).map(depth -> nested(depth).getBytes(StandardCharsets.UTF_8)),
                Arbitraries.of(FIELDS).map(field -> ("{\"" + field + "\":" + nested(10_000) + "}").getBytes(StandardCharsets.UTF_8)));
        Arbitrary<String> charset = Arbitraries.oneOf(Arbitraries.of("utf-8", "UTF-8", "\"utf-8\"", "ebcdic", "latin1",
                        "ISO-8859-1", "UTF-16", "utf-32", "", "\"\"", "x-unknown", "utf-8; charset=ebcdic"),
                // garbage a client can still send: java.net.http refuses control characters and edge spaces in headers
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(20));
        Arbitrary<String> contentType = Arbitraries.oneOf(Arbitraries.of("", "application/json", "application/json; charset=utf-8",
                "text/plain", "multipart/form-data", "application/xml"),
                charset.map(c -> "application/json; charset=" + c), charset.map(c -> "text/plain; charset=" + c));
        Arbitrary<String> origin = Arbitraries.of("", "own", "http://evil.example", "null", "garbage", "http://127.0.0.1",
                "https://127.0.0.1", "http://LOCALHOST", "http://[::1]", "file://", "http://127.0.0.1:1/x");
        Arbitrary<String> auth = Arbitraries.of("", "Bearer " + TOKEN, "Bearer wrong", "Basic Zm9vOmJhcg==", "Bearer ");
        return Combinators.combine(Arbitraries.of(METHODS), Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(4, routed), net.jqwik.api.Tuple.of(1, random)), query, body, contentType, auth, origin)
                .as((method, target, q, b, type, a, o) -> new Call(method, target[0], target[1], q, b,
                        type.isEmpty() ? null : type, a.isEmpty() ? null : a,
                        o.isEmpty() ? null : o.equals("own") ? ownOrigin() : o));
    }

    private static Arbitrary<String> anyText() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.of("-1", "0", "2", "1001", "PT0.001S", "P3D", "true", "2026-11-28T00:00:00Z", "* * * * *", "null",
                        "9999999999999999999999", "-PT1H", "../../etc/passwd", "<script>"),
                farInstants(), hostileText());
    }

    /** Instants and epoch milliseconds at and beyond 1970..9999, and beyond what a long or an Instant holds. */
    private static Arbitrary<String> farInstants() {
        return Arbitraries.oneOf(Arbitraries.of("1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "9999-12-31T23:59:59Z",
                        "+10000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z",
                        "253402300799000", "253402300800000", "-1", "9223372036854775807", "-9223372036854775808",
                        "99999999999999999999", "P3650D", "P3651D", "PT0S", "PT-1S", "P999999999999D"),
                Arbitraries.longs().map(String::valueOf));
    }

    /** Control characters, NUL, lone surrogates and 100k-character values. */
    private static Arbitrary<String> hostileText() {
        return Arbitraries.oneOf(Arbitraries.of("a\u0000b", "\u0000", "pager\u0000", "\u0001", "a\nb", "a\r\nX-Forged: 1",
                        "\u007f", "\u0085", "\ud800", "a\udc00", "\udbff\udfff", "x".repeat(100_000), "é".repeat(256), "e".repeat(257)),
                Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(5),
                Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMinLength(1).ofMaxLength(3));
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static Arbitrary<Object> jsonValue() {
        return Arbitraries.oneOf(anyText().map(t -> (Object) t), Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.of(true, false).map(b -> (Object) b), Arbitraries.just(null),
                Arbitraries.doubles().map(d -> (Object) d), Arbitraries.just(List.of(1, "a")),
                Arbitraries.just(Map.of("nested", List.of(Map.of()))), Arbitraries.longs().map(l -> (Object) l));
    }

    private static byte[] json(Map<String, Object> fields) {
        return Json.bytes(fields);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(Call call) throws IOException, InterruptedException {
        String uri = "http://127.0.0.1:" + service.httpPort() + call.path() + (call.query().isEmpty() ? "" : "?" + call.query());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Patience.HTTP_REQUEST)
                .method(call.method(), call.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        if (call.contentType() != null) {
            request.header("Content-Type", call.contentType());
        }
        if (call.auth() != null) {
            request.header("Authorization", call.auth());
        }
        if (call.origin() != null) {
            request.header("Origin", call.origin());
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
