package io.runwarden.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.RunwardenService;
import io.runwarden.ServiceMetrics;
import io.runwarden.config.Settings;
import io.runwarden.http.HttpTestClient.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP server on its own, before any streams exist. */
class ApiServerTest {
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final ApiServer server = ApiServer.start("127.0.0.1", 0, null, metrics.registry());
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
        assertThat(documented).containsExactlyInAnyOrderElementsOf(server.routes());
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
    void listeningBeyondLoopbackWithoutATokenIsRefusedAtStart() {
        Settings open = new Settings("unused:9092", 0, Path.of("target", "never"), "0.0.0.0", 0,
                Duration.ofDays(3), null, "runwarden", null, Duration.ofDays(90), Map.of());

        assertThatThrownBy(() -> RunwardenService.start(open))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RUNWARDEN_HTTP_HOST=0.0.0.0").hasMessageContaining("RUNWARDEN_API_TOKEN");
    }
}
