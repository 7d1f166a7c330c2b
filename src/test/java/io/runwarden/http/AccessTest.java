package io.runwarden.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.config.Tokens;
import io.runwarden.http.HttpTestClient.Response;
import io.runwarden.metrics.ServiceMetrics;
import io.runwarden.model.Json;
import io.runwarden.notify.Channel;
import io.runwarden.notify.ChannelRules;
import io.runwarden.notify.ChannelType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may call what (DESIGN "Access"), over real HTTP against {@link FakeServices}: every route openapi.json
 * documents, plus the dashboard's files, with no token, each kind of token and a wrong one, on a loopback listener
 * and on one that listens everywhere. What each route needs is read from its {@code security} in openapi.json, and the
 * expected answer from the contract's rules written out here: the document and the gate must agree.
 */
class AccessTest {
    private static final String API = "api-token-1";
    private static final String API_NEXT = "api-token-2";
    private static final String READ = "read-token";
    private static final String METRICS = "metrics-token";
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");
    private static final List<String> DASHBOARD_FILES = List.of("/", "/index.html", "/app.js", "/style.css");

    /** What a route needs, as openapi.json's {@code security} says it. */
    enum Need { NOTHING, METRICS, READ, WRITE }

    /** Who calls: a header to send, and which configured list it comes from. */
    enum Caller { NONE, API, API_NEXT, READ, METRICS, WRONG }

    /** A listener and the tokens it was given. */
    record Setup(String host, String api, String read, String metrics) {
        boolean loopback() {
            return host.startsWith("127.");
        }

        Tokens tokens() {
            return new Tokens(list(api), list(read), list(metrics));
        }

        private static List<String> list(String value) {
            return value == null ? List.of() : List.of(value.split(","));
        }

        boolean holds(Caller caller) {
            return switch (caller) {
                case NONE -> true;
                case API -> api != null;
                case API_NEXT -> api != null && api.contains(API_NEXT);
                case READ -> read != null;
                case METRICS -> metrics != null;
                case WRONG -> false;
            };
        }
    }

    record Call(String method, String path, Need need) {
    }

    private final FakeServices fake = new FakeServices();
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final List<ApiServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(ApiServer::close);
        metrics.close();
    }

    @Test
    void everyRouteAnswersEveryCallerAsTheContractSaysOnLoopbackAndBeyond() {
        List<Setup> setups = List.of(
                new Setup("127.0.0.1", null, null, null),
                new Setup("127.0.0.1", API, null, null),
                new Setup("127.0.0.1", API + "," + API_NEXT, READ, METRICS),
                new Setup("0.0.0.0", API, null, null),
                new Setup("0.0.0.0", API + "," + API_NEXT, READ, METRICS));
        List<Call> calls = calls();
        assertThat(calls).as("every documented route and the page's files").hasSizeGreaterThanOrEqualTo(40);
        int checked = 0;
        for (Setup setup : setups) {
            HttpTestClient anonymous = serve(setup);
            for (Call call : calls) {
                for (Caller caller : Caller.values()) {
                    Response response = send(anonymous, call, caller);
                    String what = setup + " " + call.method + " " + call.path + " as " + caller;
                    assertAnswer(response, expected(setup, call.need, caller), caller, what);
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(setups.size() * calls.size() * Caller.values().length);
    }

    /** Javalin answers a HEAD with the GET route: a load balancer's HEAD /health must pass as its GET does. */
    @Test
    void aHeadNeedsWhatItsGetNeeds() {
        Setup setup = new Setup("0.0.0.0", API, READ, METRICS);
        HttpTestClient anonymous = serve(setup);
        int checked = 0;
        for (Call call : calls()) {
            if (!call.method.equals("GET")) {
                continue;
            }
            for (Caller caller : Caller.values()) {
                HttpRequest.Builder head = anonymous.request(call.path).method("HEAD", HttpRequest.BodyPublishers.noBody());
                if (caller != Caller.NONE) {
                    head.header("Authorization", "Bearer " + (caller == Caller.WRONG ? "wrong-token" : switch (caller) {
                        case API -> API;
                        case API_NEXT -> API_NEXT;
                        case READ -> READ;
                        default -> METRICS;
                    }));
                }
                int status = anonymous.sendText(head).status();
                int expected = expected(setup, call.need, caller);
                String what = "HEAD " + call.path + " as " + caller;
                if (expected == 0) {
                    assertThat(status).as(what).isNotIn(401, 403).isLessThan(500);
                } else {
                    assertThat(status).as(what).isEqualTo(expected);
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void aDryRunCleanupAndAReloadAreReadsAndARealCleanupIsAWrite() {
        HttpTestClient anonymous = serve(new Setup("0.0.0.0", API, READ, null));
        assertThat(send(anonymous, new Call("POST", "/script/cleanup-stale?dryRun=true", Need.READ), Caller.READ).status())
                .isEqualTo(200);
        assertThat(send(anonymous, new Call("POST", "/cron-config/reload", Need.READ), Caller.READ).status()).isEqualTo(200);
        Response real = send(anonymous, new Call("POST", "/script/cleanup-stale", Need.WRITE), Caller.READ);
        assertThat(real.status()).isEqualTo(403);
        Response unreadable = send(anonymous, new Call("POST", "/script/cleanup-stale?dryRun=maybe", Need.WRITE), Caller.READ);
        assertThat(unreadable.status()).as("a dryRun that is not a flag is no read").isEqualTo(403);
        assertThat(fake.sweepsRequested).isEmpty();
    }

    @Test
    void aRefusedCallReachesNoService() {
        fake.channels.put("kept", ChannelRules.checked("kept", new Channel(null, ChannelType.WEBHOOK,
                "https://hooks.example.com/x", null, null, null, null, null, null, Instant.EPOCH)));
        HttpTestClient anonymous = serve(new Setup("0.0.0.0", API, READ, METRICS));
        for (Caller caller : List.of(Caller.NONE, Caller.READ, Caller.METRICS, Caller.WRONG)) {
            for (Call call : calls()) {
                if (call.need == Need.WRITE) {
                    assertThat(send(anonymous, call, caller).status()).as(call + " as " + caller).isIn(401, 403);
                }
            }
        }
        assertThat(fake.reported).isEmpty();
        assertThat(fake.pings).isEmpty();
        assertThat(fake.channels).containsOnlyKeys("kept");
        assertThat(fake.tested).isEmpty();
        assertThat(fake.sweepsRequested).isEmpty();
        assertThat(fake.jobs).isEmpty();
        assertThat(fake.policies).isEmpty();
        assertThat(fake.logQueries).isEmpty();
    }

    @Test
    void accessSaysWhatTheCallerMayDo() {
        HttpTestClient open = serve(new Setup("127.0.0.1", null, null, null));
        assertThat(grant(open, Caller.NONE)).isEqualTo(Map.of("token", "none", "read", true, "write", true));

        HttpTestClient quickstart = serve(new Setup("127.0.0.1", API, null, null));
        assertThat(grant(quickstart, Caller.NONE)).isEqualTo(Map.of("token", "none", "read", true, "write", false));
        assertThat(grant(quickstart, Caller.API)).isEqualTo(Map.of("token", "api", "read", true, "write", true));

        HttpTestClient guarded = serve(new Setup("0.0.0.0", API + "," + API_NEXT, READ, METRICS));
        assertThat(grant(guarded, Caller.READ)).isEqualTo(Map.of("token", "read", "read", true, "write", false));
        assertThat(grant(guarded, Caller.API_NEXT)).isEqualTo(Map.of("token", "api", "read", true, "write", true));
        assertThat(send(guarded, new Call("GET", "/access", Need.READ), Caller.NONE).status()).isEqualTo(401);
        assertThat(send(guarded, new Call("GET", "/access", Need.READ), Caller.METRICS).status()).isEqualTo(403);
    }

    /**
     * Only the API and read lists must not share a token: one monitoring token may well be both the read token and the
     * metrics token, and then it opens both (it was taken for a read token only, and refused on /metrics).
     */
    @Test
    void aTokenInBothTheReadAndTheMetricsListsOpensReadsAndMetrics() {
        String shared = "monitoring-token";
        HttpTestClient anonymous = serve(new Setup("0.0.0.0", API, shared + "," + READ, shared + "," + METRICS));
        Response scrape = anonymous.sendText(anonymous.request("/metrics").header("Authorization", "Bearer " + shared).GET());
        assertThat(scrape.status()).as(scrape.text()).isEqualTo(200);
        assertThat(send(anonymous, new Call("GET", "/script/logs", Need.READ), Caller.NONE).status()).isEqualTo(401);
        assertThat(anonymous.send(anonymous.request("/script/logs").header("Authorization", "Bearer " + shared).GET())
                .status()).isEqualTo(200);
        Response write = anonymous.send(anonymous.request("/script/cleanup-stale").header("Authorization", "Bearer " + shared)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(write.status()).isEqualTo(403);
        assertThat(fake.sweepsRequested).isEmpty();
        Response grant = anonymous.send(anonymous.request("/access").header("Authorization", "Bearer " + shared).GET());
        assertThat(grant.data().path("token").asText()).isEqualTo("read");
        // a read token alone still may not scrape, and is told what /metrics takes, not that it "can only read"
        Response refused = anonymous.sendText(anonymous.request("/metrics").header("Authorization", "Bearer " + READ).GET());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text()).contains("RUNWARDEN_METRICS_TOKEN").doesNotContain("changes need");
    }

    /** On one connection, as a proxy's pooled connection carries many clients' requests (Jetty caches header fields). */
    @Test
    void theTokenIsReadFromABearerHeaderOnlyInAnyCaseOfTheSchemeButNeverOfTheToken() {
        HttpTestClient anonymous = serve(new Setup("0.0.0.0", API, READ, null));
        Map<String, Integer> answers = new java.util.LinkedHashMap<>();
        for (String header : List.of("Bearer " + READ, "bearer " + READ, "BEARER " + READ, "Bearer  " + READ + " ",
                "Basic " + READ, READ, "Bearer", "Bearer ", "Bearer " + READ + "," + API, "Bearer " + API + " " + READ,
                "Bearer " + READ.toUpperCase(), "Bearer " + READ + "x", "Bearer " + READ.substring(1),
                "Token " + READ, "Bearer\t" + READ)) {
            answers.put(header, anonymous.send(anonymous.request("/script/logs")
                    .header("Authorization", header).GET()).status());
        }
        assertThat(answers).containsEntry("Bearer " + READ, 200).containsEntry("bearer " + READ, 200)
                .containsEntry("BEARER " + READ, 200).containsEntry("Bearer  " + READ + " ", 200);
        answers.entrySet().stream().skip(4).forEach(answer ->
                assertThat(answer.getValue()).as(answer.getKey()).isEqualTo(401));
    }

    @Test
    void twoAuthorizationHeadersAreAWrongTokenEvenWhenBothAreRight() {
        HttpTestClient anonymous = serve(new Setup("0.0.0.0", API, null, null));
        Response twice = anonymous.send(anonymous.request("/script/logs")
                .header("Authorization", "Bearer " + API).header("Authorization", "Bearer " + API).GET());
        assertThat(twice.status()).isEqualTo(401);
        assertThat(twice.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"runwarden\", error=\"invalid_token\"");
    }

    /** The answer the contract gives: 0 = let through (the route then answers whatever it answers, never 401 or 403). */
    private static int expected(Setup setup, Need need, Caller caller) {
        if (caller != Caller.NONE && !setup.holds(caller)) {
            return 401; // presented but wrong: on any route
        }
        boolean api = caller == Caller.API || caller == Caller.API_NEXT;
        boolean allowed = switch (need) {
            case NOTHING -> true;
            case METRICS -> setup.metrics == null || api || caller == Caller.METRICS;
            case READ -> setup.loopback() && setup.read == null || api || caller == Caller.READ;
            case WRITE -> setup.loopback() && setup.api == null || api;
        };
        if (allowed) {
            return 0;
        }
        return caller == Caller.NONE ? 401 : 403;
    }

    private static void assertAnswer(Response response, int expected, Caller caller, String what) {
        if (expected == 0) {
            assertThat(response.status()).as(what + ": " + response.text()).isNotIn(401, 403).isLessThan(500);
            return;
        }
        assertThat(response.status()).as(what + ": " + response.text()).isEqualTo(expected);
        assertThat(errorCode(response)).as(what).isEqualTo(expected == 401 ? "unauthorized" : "forbidden");
        assertThat(response.text()).as("no token is ever echoed").doesNotContain(API, API_NEXT, READ, METRICS, "wrong-token");
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse(null);
        if (expected == 403) {
            assertThat(challenge).as(what).isEqualTo("Bearer realm=\"runwarden\", error=\"insufficient_scope\"");
        } else if (caller == Caller.NONE) {
            assertThat(challenge).as(what).isEqualTo("Bearer realm=\"runwarden\"");
        } else {
            assertThat(challenge).as(what).isEqualTo("Bearer realm=\"runwarden\", error=\"invalid_token\"");
        }
    }

    /** From the text: /metrics and the page's files answer other than JSON when they are served, but refusals are JSON. */
    private static String errorCode(Response response) {
        try {
            return Json.MAPPER.readTree(response.text()).path("error").path("code").asText();
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.text(), e);
        }
    }

    private HttpTestClient serve(Setup setup) {
        ApiServer server = ApiServer.start(setup.host, 0, setup.tokens(), metrics.registry());
        servers.add(server);
        server.serve(fake.services());
        return new HttpTestClient(server.port(), null);
    }

    private static Response send(HttpTestClient client, Call call, Caller caller) {
        HttpRequest.Builder request = client.request(call.path);
        String token = switch (caller) {
            case NONE -> null;
            case API -> API;
            case API_NEXT -> API_NEXT;
            case READ -> READ;
            case METRICS -> METRICS;
            case WRONG -> "wrong-token";
        };
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofString("{}");
        request = switch (call.method) {
            case "GET" -> request.GET();
            case "DELETE" -> request.DELETE();
            default -> request.header("Content-Type", "application/json").method(call.method, body);
        };
        return call.path.equals("/metrics") || DASHBOARD_FILES.contains(call.path) ? client.sendText(request) : client.send(request);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> grant(HttpTestClient client, Caller caller) {
        Response response = send(client, new Call("GET", "/access", Need.READ), caller);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return Json.MAPPER.convertValue(response.data(), Map.class);
    }

    /** Every documented route with its path parameters filled in, and what its {@code security} says it needs. */
    private static List<Call> calls() {
        List<Call> calls = new ArrayList<>();
        JsonNode doc = openApi();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (METHODS.contains(op.getKey())) {
                    String concrete = path.getKey().replace("{runId}", "r1").replace("{sweepId}", "s1")
                            .replace("{scriptName}", "backup").replace("{name}", "kept").replace("{action}", "start");
                    if (concrete.startsWith("/internal/runs/") || concrete.startsWith("/internal/sweeps/")) {
                        concrete += "?partition=0";
                    }
                    calls.add(new Call(op.getKey().toUpperCase(), concrete, need(op.getValue().path("security"))));
                }
            }
        }
        DASHBOARD_FILES.forEach(file -> calls.add(new Call("GET", file, Need.NOTHING)));
        return calls;
    }

    /** The first scheme listed is what the route needs at least: POST /script/cleanup-stale lists the API token first. */
    private static Need need(JsonNode security) {
        assertThat(security.isArray()).as("every route declares its security").isTrue();
        if (security.isEmpty()) {
            return Need.NOTHING;
        }
        List<String> schemes = new ArrayList<>();
        security.forEach(requirement -> requirement.fieldNames().forEachRemaining(schemes::add));
        if (schemes.contains("metricsToken")) {
            return Need.METRICS;
        }
        return schemes.get(0).equals("readToken") ? Need.READ : Need.WRITE;
    }

    private static JsonNode openApi() {
        try (InputStream in = AccessTest.class.getResourceAsStream("/openapi.json")) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
