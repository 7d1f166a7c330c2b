package io.runwarden.http;

import io.runwarden.config.Tokens;
import io.runwarden.TestSettings;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.runwarden.RunwardenService;
import io.runwarden.metrics.ServiceMetrics;
import io.runwarden.config.Settings;
import io.runwarden.http.HttpTestClient.Response;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.slf4j.LoggerFactory;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP server on its own, before any streams exist. */
class ApiServerTest {
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final ApiServer server = ApiServer.start("127.0.0.1", 0, Tokens.NONE, metrics.registry());
    private final HttpTestClient http = new HttpTestClient(server.port(), null);

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
    }

    @Test
    void openApiDocumentDescribesExactlyTheRoutesTheServerHas() {
        JsonNode doc = http.get("/openapi.json").body();
        assertThat(doc.path("openapi").asText()).startsWith("3.");

        List<String> documented = new ArrayList<>();
        Set<String> methods = Set.of("get", "post", "put", "delete", "patch");
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (methods.contains(method)) {
                    documented.add(method.toUpperCase() + " " + path.getKey());
                }
            });
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(routes());
    }

    @Test
    void routesAnswer503WithRetryAfterUntilTheStreamsRun() {
        assertThat(http.get("/health").status()).isEqualTo(200);
        Response ready = http.get("/ready");
        assertThat(ready.status()).isEqualTo(503);

        for (String path : List.of("/script/logs", "/script/dashboard-view", "/cron-config", "/script/logs/x")) {
            Response response = http.get(path);
            assertThat(response.status()).as(path).isEqualTo(503);
            assertThat(response.errorCode()).isEqualTo("unavailable");
            assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        }
        assertThat(http.post("/script/cleanup-stale", null).status()).isEqualTo(503);
    }

    @Test
    void metricsAreScrapedWhileTheStreamsStart() {
        Response scrape = http.getText("/metrics");

        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(scrape.text()).contains("\njvm_memory_used_bytes{", "\nprocess_uptime_seconds ",
                "\nrunwarden_events_applied_total{type=\"started\"} 0.0\n");
    }

    @Test
    void malformedRequestsJettyRejectsItselfAnswerInTheEnvelopeAndCloseTheConnection() {
        Response response = http.get("/%00");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("http_400");
        assertThat(response.headers().firstValue("Connection")).hasValue("close");
        assertThat(http.get("/health").status()).as("the next request gets a new connection").isEqualTo(200);
    }

    @Test
    void headersJettyFindsTooLargeAnswerInTheEnvelopeWhateverTheMethod() {
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
            Response response = http.send(http.request("/cron-config/nightly").header("X-Padding", "x".repeat(9_000))
                    .method(method, java.net.http.HttpRequest.BodyPublishers.ofString("{}")));

            assertThat(response.status()).as(method).isEqualTo(431);
            assertThat(response.errorCode()).as(method).isEqualTo("http_431");
        }
    }

    @Test
    void listeningBeyondLoopbackWithoutATokenIsRefusedAtStart() {
        Settings open = TestSettings.env("KAFKA_BOOTSTRAP_SERVERS", "unused:9092",
                "RUNWARDEN_DATA_DIR", Path.of("target", "never").toString(), "RUNWARDEN_HTTP_HOST", "0.0.0.0");

        assertThatThrownBy(() -> RunwardenService.start(open))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RUNWARDEN_HTTP_HOST=0.0.0.0").hasMessageContaining("RUNWARDEN_API_TOKEN");
    }

    @Test
    void aWriteFromAPageElsewhereIs403BeforeAnythingElseAndOneFromHereGoesOn() {
        String here = "http://127.0.0.1:" + server.port();
        for (String origin : List.of("http://evil.example", "http://127.0.0.1:1", "https://127.0.0.1:" + server.port() + "0",
                "null", "garbage", "http://", "http://127.0.0.1:" + server.port() + "/path", "ftp://127.0.0.1:" + server.port())) {
            Response refused = http.send(http.request("/script/cleanup-stale").header("Origin", origin)
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(refused.status()).as(origin).isEqualTo(403);
            assertThat(refused.errorCode()).as(origin).isEqualTo("forbidden_origin");
            assertThat(refused.body().path("success").asBoolean()).isFalse();
        }
        Response same = http.send(http.request("/script/cleanup-stale").header("Origin", here).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(same.status()).as("same origin: on to the readiness check").isEqualTo(503);
        Response read = http.send(http.request("/health").header("Origin", "http://evil.example").GET());
        assertThat(read.status()).as("reads are not affected").isEqualTo(200);
    }

    @Test
    void originsCompareHostsInAnyCaseWithDefaultPortsFilledIn() {
        List<List<String>> sameOrigin = List.of(List.of("localhost", "http://LocalHost"), List.of("LOCALHOST:80", "http://localhost"),
                List.of("localhost", "http://localhost:80"), List.of("example.com", "https://Example.COM:443"),
                List.of("[::1]:" + server.port(), "http://[::1]:" + server.port()));
        sameOrigin.forEach(pair -> assertThat(http.raw("POST", "/script/cleanup-stale",
                Map.of("Host", pair.get(0), "Origin", pair.get(1))).status()).as("%s", pair).isEqualTo(503));

        List<List<String>> elsewhere = List.of(List.of("localhost:8080", "http://localhost"), List.of("localhost", "http://localhost:8080"),
                List.of("example.com", "http://example.com.evil.example"), List.of("example.com:443", "http://example.com"));
        elsewhere.forEach(pair -> {
            String host = pair.get(0);
            String origin = pair.get(1);
            Response refused = http.raw("PUT", "/script/policies/x", Map.of("Host", host, "Origin", origin));
            assertThat(refused.status()).as(host + " / " + origin).isEqualTo(403);
            assertThat(refused.errorCode()).isEqualTo("forbidden_origin");
        });
    }

    @Test
    void theOriginRuleComesBeforeTheTokenCheck() {
        try (ApiServer guarded = ApiServer.start("127.0.0.1", 0, new Tokens(List.of("the-token"), List.of(), List.of()), metrics.registry())) {
            HttpTestClient withToken = new HttpTestClient(guarded.port(), "the-token");
            HttpTestClient without = new HttpTestClient(guarded.port(), null);
            for (HttpTestClient client : List.of(withToken, without)) {
                Response response = client.send(client.request("/cron-config/seed").header("Origin", "http://evil.example")
                        .POST(HttpRequest.BodyPublishers.noBody()));
                assertThat(response.status()).isEqualTo(403);
                assertThat(response.errorCode()).isEqualTo("forbidden_origin");
            }
            assertThat(without.post("/cron-config/seed", null).status()).as("no Origin: the token rule").isEqualTo(401);
        }
    }

    @Test
    void aFailingProcessAnswers503OnHealthAndReadyWithTheReason() {
        assertThat(http.get("/health").status()).isEqualTo(200);

        server.fail("Kafka Streams reached ERROR");
        server.fail("a later reason");

        for (String path : List.of("/health", "/ready")) {
            Response response = http.get(path);
            assertThat(response.status()).as(path).isEqualTo(503);
            assertThat(response.body().path("success").asBoolean()).isFalse();
            assertThat(response.errorCode()).isEqualTo("unavailable");
            assertThat(response.body().path("error").path("message").asText()).isEqualTo("Kafka Streams reached ERROR");
        }
    }

    @Test
    void stuckStreamsMakeHealthAndReady503ForAsLongAsTheyAreStuck() {
        AtomicReference<String> stuck = new AtomicReference<>();
        server.watch(stuck::get);
        assertThat(http.get("/health").status()).isEqualTo(200);

        stuck.set("Kafka Streams have not been RUNNING for 5 minutes");
        for (String path : List.of("/health", "/ready")) {
            Response response = http.get(path);
            assertThat(response.status()).as(path).isEqualTo(503);
            assertThat(response.body().path("error").path("message").asText())
                    .isEqualTo("Kafka Streams have not been RUNNING for 5 minutes");
        }

        stuck.set(null);
        assertThat(http.get("/health").status()).as("running again").isEqualTo(200);
    }

    @Test
    void theLogLineOfA500QuotesThePathAndShowsAtMost256Characters() {
        Logger logger = (Logger) LoggerFactory.getLogger(ApiServer.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        FakeServices broken = new FakeServices();
        broken.failWith(new IllegalStateException("a bug behind the routes"));
        try {
            // every read fails inside the route, a 500
            server.serve(broken.services());
            String forged = "/script/cleanup-stale/x%0A12:00:00.000%20INFO%20forged";
            assertThat(http.get(forged).status()).isEqualTo(500);
            String longPath = "/script/logs/" + "a".repeat(256);
            assertThat(http.get(longPath).status()).isEqualTo(500);

            List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            // ctx.path() is the path as sent, still %-encoded: the quote keeps it so and bounds its length
            assertThat(messages).contains("GET '/script/cleanup-stale/x%0A12:00:00.000%20INFO%20forged' failed");
            assertThat(messages).anySatisfy(line -> assertThat(line)
                    .startsWith("GET '/script/logs/aaa").endsWith("a'… (269 characters) failed").hasSizeLessThan(300));
            assertThat(messages).allSatisfy(line -> assertThat(line).doesNotContain("\n"));
        } finally {
            logger.detachAppender(lines);
        }
    }

    /**
     * A client that writes its whole body before it reads (Java's HttpClient) gets an answer given before the body was
     * read: 404, 503, 413. Without the body drained, Jetty closed the connection under the client's upload, and the
     * client saw a broken pipe or a reset, now and then (HttpRobustnessProperties saw one in a few thousand requests).
     */
    @Test
    void anAnswerGivenBeforeTheBodyIsReadReachesAClientStillSendingIt() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        byte[] body = new byte[4 * 1024 * 1024];
        for (int i = 0; i < 15; i++) {
            for (String path : List.of("/no/such/route", "/ping/x/start", "/script/cleanup-stale")) {
                java.net.http.HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + server.port() + path))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("%s, try %d", path, i).isIn(404, 503);
            }
        }
    }

    /** Every route the server has, as "METHOD path": the probes, and those of the route groups. */
    private static List<String> routes() {
        Javalin app = Javalin.create(config -> ApiServer.routes(() -> null).forEach(group -> group.register(config.routes)));
        List<String> routes = new ArrayList<>(List.of("GET /health", "GET /ready", "GET /openapi.json", "GET /metrics", "GET /access"));
        app.unsafe.internalRouter.allHttpHandlers().forEach(route ->
                routes.add(route.endpoint.method.name() + " " + route.endpoint.path));
        return routes;
    }
}
