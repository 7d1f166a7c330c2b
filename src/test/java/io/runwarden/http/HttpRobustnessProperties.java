package io.runwarden.http;

import io.runwarden.LogLines;
import io.runwarden.TestSettings;
import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.Patience;
import io.runwarden.RunwardenService;
import io.runwarden.model.Json;
import io.runwarden.stream.HostileInputs;
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
import java.time.Instant;
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
    private static final String READ_TOKEN = "fuzz-read-token";
    /** Authorization headers a client may send that hold no token of this service: each is a wrong token, 401. */
    private static final List<String> WRONG_AUTH = List.of("Bearer wrong", "Basic Zm9vOmJhcg==", "Bearer ", "Bearer",
            "Bearer " + TOKEN.toUpperCase(), "Bearer " + TOKEN + "," + READ_TOKEN, "Bearer " + READ_TOKEN + ", " + TOKEN,
            "Bearer " + TOKEN + " " + TOKEN, "Bearer " + TOKEN.substring(1), "Bearer " + TOKEN + "x", "Token " + TOKEN,
            TOKEN, "Bearer \"" + TOKEN + "\"", "Bearer " + TOKEN + "\u00e9", "Bearer \u00e9" + TOKEN, "Bearer%20" + TOKEN,
            "Bearer " + "x".repeat(7_000), "Bearer " + TOKEN + ";" + TOKEN, "Digest username=\"" + TOKEN + "\"");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    private static final List<String> PARAMS = List.of("scriptName", "status", "from", "to", "limit", "cursor", "dryRun",
            "timeout", "overwrite", "partition", "asOf", "rid", "x");
    private static final List<String> FIELDS = List.of("scriptName", "runId", "time", "message", "maxRuntime", "event",
            "status", "schedule", "timezone", "enabled", "description", "startGrace", "paused", "scheduleSince", "x");
    private static RunwardenService service;
    private static List<String[]> routes; // {method, template}
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static Call previous;
    private static LogLines logs;

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
        logs = LogLines.capture();
        service = RunwardenService.start(TestSettings.env("RUNWARDEN_DATA_DIR",
                Files.createTempDirectory("runwarden-fuzz").toString(), "RUNWARDEN_API_TOKEN", TOKEN,
                "RUNWARDEN_READ_TOKEN", READ_TOKEN,
                "RUNWARDEN_APPLICATION_ID", "runwarden-fuzz"));
        routes = new ArrayList<>();
        try (InputStream in = HttpRobustnessProperties.class.getResourceAsStream("/openapi.json")) {
            JsonNode paths = Json.MAPPER.readTree(in).path("paths");
            paths.fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method ->
                    routes.add(new String[]{method.toUpperCase(), path.getKey(), need(path.getValue().path(method).path("security"))})));
        }
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            // pings are still paired after all: a start opens a run, an end without rid closes it
            HttpResponse<String> start = post("/ping/fuzz-final/start", "starting".getBytes(StandardCharsets.UTF_8), "text/plain");
            assertThat(start.statusCode()).as("a ping after the fuzzing: %s", start.body()).isEqualTo(201);
            String runId = Json.MAPPER.readTree(start.body()).path("data").path("runId").asText();
            HttpResponse<String> end = post("/ping/fuzz-final", "done".getBytes(StandardCharsets.UTF_8), "text/plain");
            assertThat(end.statusCode()).as("a ping after the fuzzing: %s", end.body()).isEqualTo(202);
            Instant until = Instant.now().plus(Duration.ofSeconds(60));
            String status = "";
            while (!"0".equals(status) && Instant.now().isBefore(until)) {
                Thread.sleep(100);
                HttpResponse<String> run = get("/script/logs/" + runId);
                status = run.statusCode() == 200 ? Json.MAPPER.readTree(run.body()).path("data").path("status").asText() : "";
            }
            assertThat(status).as("the run the pings after the fuzzing started and ended").isEqualTo("0");
            HttpResponse<String> ready = CLIENT.send(HttpRequest.newBuilder(URI.create(ownOrigin() + "/ready"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as("still ready after the fuzzing: %s", ready.body()).isEqualTo(200);
            // every secret, routing key and URL of a channel put or tested holds it: none may reach the log
            assertThat(logs.lines()).as("log lines while channels were fuzzed")
                    .noneMatch(line -> line.contains(HostileInputs.CREDENTIAL));
        } finally {
            service.close();
            logs.close();
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
            if (call.path().length() + call.query().length() > REQUEST_LINE_LIMIT
                    || call.auth() != null && call.path().length() + call.query().length() + call.auth().length() > REQUEST_LINE_LIMIT
                    || call.body().length > 0 && refusedByJetty(call.path())) {
                // Jetty answers 414 to a request line over its 8 KiB, and 400 to a path it refuses, and closes the
                // connection at once: a client still writing may see the close before the answer. Refusing such a
                // request is right; the answer is best effort
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
        String need = call.template() == null ? null : routes.stream()
                .filter(r -> r[0].equals(call.method()) && r[1].equals(call.template())).map(r -> r[2]).findFirst().orElse(null);
        // Jetty refuses some requests itself (a NUL in the path, a 100k URI) before any rule of ours can look at them
        boolean refusedByJetty = envelopeCode(response).startsWith("http_");
        if (need == null || refusedByJetty) {
            return;
        }
        boolean mutation = Set.of("POST", "PUT", "DELETE", "PATCH").contains(call.method());
        String holder = holder(call.auth());
        if (mutation && call.foreignOrigin()) {
            assertThat(envelopeCode(response)).as("%s", call).isEqualTo("forbidden_origin");
        } else if (holder.equals("WRONG")) {
            assertThat(response.statusCode()).as("a wrong token on any route: %s", call).isEqualTo(401);
        } else if (holder.equals("NONE") && !need.equals("NOTHING") && !need.equals("METRICS")) {
            assertThat(response.statusCode()).as("no token where a read token is set: %s", call).isEqualTo(401);
        } else if (holder.equals("READ") && need.equals("WRITE") && call.template().equals("/script/cleanup-stale")) {
            // a dry run is a read; a real clean-up, or a dryRun the route refuses, is a change
            assertThat(response.statusCode()).as("a read token is never unknown: %s", call).isNotEqualTo(401);
            if (!call.query().contains("dryRun")) {
                assertThat(response.statusCode()).as("a read token on a real clean-up: %s", call).isEqualTo(403);
            }
        } else if (holder.equals("READ") && need.equals("WRITE")) {
            assertThat(response.statusCode()).as("a read token on a change: %s", call).isEqualTo(403);
        } else {
            assertThat(response.statusCode()).as("%s", call).isNotIn(401, 403);
        }
    }

    /** Whose token an Authorization header holds, as the contract reads it: the scheme in any case, spaces around. */
    private static String holder(String auth) {
        if (auth == null) {
            return "NONE";
        }
        java.util.regex.Matcher bearer = java.util.regex.Pattern.compile("(?i)bearer (.*)").matcher(auth);
        String token = bearer.matches() ? bearer.group(1).strip() : null;
        return TOKEN.equals(token) ? "API" : READ_TOKEN.equals(token) ? "READ" : "WRONG";
    }

    /** What a route needs, from its security in openapi.json: the first scheme listed is the least it takes. */
    private static String need(JsonNode security) {
        if (security.isEmpty()) {
            return "NOTHING";
        }
        List<String> schemes = new ArrayList<>();
        security.forEach(requirement -> requirement.fieldNames().forEachRemaining(schemes::add));
        return schemes.contains("metricsToken") ? "METRICS" : schemes.get(0).equals("readToken") ? "READ" : "WRITE";
    }

    // ---- policies and pings ------------------------------------------------------------------------------------

    /** A value of a body field or a path segment, and what it makes of the request: GOOD, EITHER (kept or 400) or BAD. */
    record Value(String label, String json, String verdict) {
        static Value good(String label, String json) {
            return new Value(label, json, "GOOD");
        }

        static Value either(String label, String json) {
            return new Value(label, json, "EITHER");
        }

        static Value bad(String label, String json) {
            return new Value(label, json, "BAD");
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static String quoted(String raw) {
        return Json.string(raw);
    }

    private static final String HUGE = "9".repeat(60_000);

    /** A PUT of a script's policy: the script in the path, the fields of the body (null: left out), one unknown field. */
    record PolicyCall(Value script, Map<String, Value> fields, String unknown, String contentType) {
        byte[] body() {
            if (fields.isEmpty() && unknown == null) {
                return new byte[0];
            }
            List<String> members = new ArrayList<>();
            fields.forEach((name, value) -> members.add(quoted(name) + ":" + value.json()));
            if (unknown != null) {
                members.add(members.isEmpty() ? 0 : members.size() / 2, quoted(unknown) + ":\"PT1H\"");
            }
            return ("{" + String.join(",", members) + "}").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "PUT /script/policies/" + script + " " + fields + (unknown == null ? "" : " and unknown " + unknown)
                    + " as " + contentType;
        }
    }

    @Property(tries = 250)
    void hostilePolicyChangesGetA4xxNamingTheFieldOrAreApplied(@ForAll("policyCalls") PolicyCall call) throws Exception {
        String path = "/script/policies/" + encode(call.script().json()).replace("+", "%20");
        HttpResponse<String> response = send(new Call("PUT", "/script/policies/{scriptName}", path, "", call.body(),
                call.contentType(), "Bearer " + TOKEN, null));
        assertThat(response.statusCode()).as("%s -> %s", call, response.body()).isLessThan(500);
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.path("success").isBoolean()).as("%s -> %s", call, response.body()).isTrue();
        String code = body.path("error").path("code").asText("");
        // no value is echoed whole: an error quotes at most 256 characters of one
        assertThat(body.path("error").path("message").asText("").length()).as("%s -> %s", call, code).isLessThan(2_048);
        if (call.script().verdict().equals("BAD")) {
            assertThat(response.statusCode()).as("%s -> %s", call, response.body()).isIn(400, 404);
            assertThat(code).as("%s", call).isIn("invalid_scriptName", "not_found", "method_not_allowed", "http_400");
            return;
        }
        if (call.body().length > MAX_BODY) {
            assertThat(response.statusCode()).as("%s -> %s", call, response.body()).isEqualTo(413);
            return;
        }
        if (call.body().length > 0 && !call.contentType().startsWith("application/json")) {
            assertThat(response.statusCode()).as("%s -> %s", call, response.body()).isEqualTo(415);
            return;
        }
        if (call.body().length > 0 && call.contentType().contains("utf-16")) {
            assertThat(response.statusCode()).as("%s -> %s", call, response.body()).isEqualTo(415);
            return;
        }
        if (call.unknown() != null) {
            assertThat(response.statusCode()).as("%s -> %s", call, response.body()).isEqualTo(400);
            assertThat(code).as("%s -> %s", call, response.body()).isEqualTo("invalid_" + call.unknown());
            return;
        }
        if (call.fields().isEmpty()) {
            assertThat(code).as("an empty change %s -> %s", call, response.body()).isEqualTo("invalid_maxRuntime");
            return;
        }
        List<String> bad = call.fields().entrySet().stream().filter(f -> f.getValue().verdict().equals("BAD")).map(Map.Entry::getKey).toList();
        List<String> either = call.fields().entrySet().stream().filter(f -> f.getValue().verdict().equals("EITHER")).map(Map.Entry::getKey).toList();
        if (!bad.isEmpty()) {
            assertThat(response.statusCode()).as("%s -> %s", call, response.body()).isEqualTo(400);
            List<String> named = new ArrayList<>(bad);
            named.addAll(either);
            assertThat(code).as("%s -> %s", call, response.body()).isIn(named.stream().map(f -> "invalid_" + f).toList());
            return;
        }
        if (!either.isEmpty() && response.statusCode() == 400) {
            assertThat(code).as("%s -> %s", call, response.body()).isIn(either.stream().map(f -> "invalid_" + f).toList());
            return;
        }
        assertThat(response.statusCode()).as("%s -> %s", call, response.body()).isEqualTo(200);
        // what was kept reads back, and the dashboard still shows every script with its schedule
        HttpResponse<String> read = get(path);
        assertThat(read.statusCode()).as("GET after %s -> %s", call, read.body()).isEqualTo(200);
        HttpResponse<String> dashboard = get("/script/dashboard-view");
        assertThat(dashboard.statusCode()).as("the dashboard after %s -> %s", call, dashboard.body()).isEqualTo(200);
    }

    @Provide
    Arbitrary<PolicyCall> policyCalls() {
        Arbitrary<Value> scripts = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of(Value.good("policy-a", "policy-a"), Value.good("policy-b", "policy-b"),
                        Value.good("名前", "名前-スクリプト"), Value.good("256 chars", "p".repeat(256)))),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Value.bad("257 chars", "p".repeat(257)), Value.bad("NUL", "a\u0000b"),
                        Value.bad("newline", "a\nb"), Value.bad("blank", " "), Value.bad("DEL", "a\u007fb"))));
        Arbitrary<Value> durations = leaning(
                Value.good("PT1S", quoted("PT1S")), Value.good("PT6H", quoted("PT6H")), Value.good("P3650D", quoted("P3650D")),
                Value.good("null", "null"),
                Value.bad("PT0S", quoted("PT0S")), Value.bad("PT0.5S", quoted("PT0.5S")), Value.bad("-PT1H", quoted("-PT1H")),
                Value.bad("P3651D", quoted("P3651D")), Value.bad("Long.MAX s", quoted("PT9223372036854775807S")),
                Value.bad("Long.MAX+1 s", quoted("PT9223372036854775808S")), Value.bad("forever", quoted("forever")),
                Value.bad("empty", quoted("")), Value.bad("NUL", quoted("PT1H\u0000")), Value.bad("60 KB", quoted("P" + HUGE + "D")),
                Value.bad("number", "3600"), Value.bad("true", "true"), Value.bad("object", "{\"seconds\":1}"), Value.bad("array", "[]"));
        Arbitrary<Value> schedules = leaning(
                Value.good("every minute", quoted("* * * * *")), Value.good("daily 2am", quoted("0 2 * * *")),
                Value.good("@daily", quoted("@daily")), Value.good("@hourly", quoted("@hourly")),
                Value.good("quarter hours", quoted("*/15 * * * *")), Value.good("March 1st", quoted("0 0 1 3 *")),
                Value.good("null", "null"),
                Value.either("' @daily '", quoted(" @daily ")), Value.either("fullwidth digits", quoted("\uFF10 \uFF12 * * *")),
                Value.bad("Feb 30", quoted("0 0 30 2 *")), Value.bad("Apr 31", quoted("0 0 31 4 *")),
                Value.bad("Feb 29 (beyond 366 days)", quoted("0 0 29 2 *")), Value.bad("step 0", quoted("*/0 * * * *")),
                Value.bad("minute 60", quoted("60 * * * *")), Value.bad("six fields", quoted("0 0 0 * * *")),
                Value.bad("four fields", quoted("* * * *")), Value.bad("empty", quoted("")), Value.bad("blank", quoted("   ")),
                Value.bad("@reboot", quoted("@reboot")), Value.bad("quartz", quoted("0 0 L W ?")),
                Value.bad("257 chars", quoted("*".repeat(257))), Value.bad("60 KB", quoted("1," + "1,".repeat(30_000) + " * * * *")),
                Value.bad("NUL", quoted("0 2 * * *\u0000")), Value.bad("newline", quoted("0 2 * * *\n* * * * *")),
                Value.bad("huge step", quoted("*/99999999999999999999 * * * *")),
                Value.bad("number", "5"), Value.bad("true", "true"), Value.bad("array", "[\"0\",\"2\"]"), Value.bad("object", "{}"));
        Arbitrary<Value> timezones = leaning(
                Value.good("UTC", quoted("UTC")), Value.good("Paris", quoted("Europe/Paris")),
                Value.good("Lord Howe", quoted("Australia/Lord_Howe")), Value.good("Troll", quoted("Antarctica/Troll")),
                Value.good("Kathmandu", quoted("Asia/Kathmandu")), Value.good("Apia", quoted("Pacific/Apia")),
                Value.good("+14:00", quoted("+14:00")), Value.good("Z", quoted("Z")), Value.good("null", "null"),
                Value.either("utc", quoted("utc")), Value.either("EST", quoted("EST")), Value.either("SystemV", quoted("SystemV/AST4")),
                Value.bad("Mars", quoted("Mars/Olympus_Mons")), Value.bad("+25:00", quoted("+25:00")),
                Value.bad("GMT+99", quoted("GMT+99")), Value.bad("empty", quoted("")), Value.bad("blank", quoted("  ")),
                Value.bad("NUL", quoted("UTC\u0000")), Value.bad("newline", quoted("Europe/Paris\n")),
                Value.bad("60 KB", quoted("Europe/" + "z".repeat(60_000))), Value.bad("number", "1"), Value.bad("object", "{}"),
                Value.bad("array", "[\"UTC\"]"));
        Arbitrary<Value> paused = leaning(Value.good("true", "true"), Value.good("false", "false"), Value.good("null", "null"),
                Value.bad("\"true\"", quoted("true")), Value.bad("yes", quoted("yes")), Value.bad("1", "1"), Value.bad("0", "0"),
                Value.bad("object", "{}"), Value.bad("array", "[true]"), Value.bad("empty", quoted("")));
        Arbitrary<Map<String, Value>> fields = Combinators.combine(durations.injectNull(0.6), schedules.injectNull(0.4),
                timezones.injectNull(0.6), durations.injectNull(0.6), paused.injectNull(0.7)).as((max, schedule, zone, grace, pause) -> {
            Map<String, Value> body = new java.util.LinkedHashMap<>();
            if (max != null) {
                body.put("maxRuntime", max);
            }
            if (schedule != null) {
                body.put("schedule", schedule);
            }
            if (zone != null) {
                body.put("timezone", zone);
            }
            if (grace != null) {
                body.put("startGrace", grace);
            }
            if (pause != null) {
                body.put("paused", pause);
            }
            return body;
        });
        Arbitrary<String> unknown = Arbitraries.of("scheduleSince", "scriptName", "maxruntime", "x").injectNull(0.9);
        Arbitrary<String> contentType = Arbitraries.frequency(net.jqwik.api.Tuple.of(12, "application/json"),
                net.jqwik.api.Tuple.of(2, "application/json; charset=utf-8"), net.jqwik.api.Tuple.of(1, "application/json; charset=utf-16"),
                net.jqwik.api.Tuple.of(1, "text/plain"), net.jqwik.api.Tuple.of(1, "application/x-www-form-urlencoded"));
        return Combinators.combine(scripts, fields, unknown, contentType).as(PolicyCall::new);
    }

    /** A ping: the script and the action in the path, the query, the body and its type. */
    record PingCall(Value script, String action, String query, byte[] body, String contentType) {
        String path() {
            return "/ping/" + encode(script.json()).replace("+", "%20") + (action == null ? "" : "/" + action);
        }

        @Override
        public String toString() {
            return "POST " + describe(path()) + (query.isEmpty() ? "" : "?" + describe(query)) + " with "
                    + body.length + " bytes of " + contentType;
        }
    }

    @Property(tries = 250)
    void hostilePingsGetA4xxOrAreAccepted(@ForAll("pingCalls") PingCall call) throws Exception {
        HttpResponse<String> response;
        try {
            response = send(new Call("POST", null, call.path(), call.query(), call.body(), call.contentType(), "Bearer " + TOKEN, null));
        } catch (IOException e) {
            if (call.body().length > 0 && refusedByJetty(call.path())) {
                // Jetty refuses such a path itself, before any route can read (and drain, see UnreadBody) the body: a
                // client still sending it may see the connection reset before the 400. Refusing it is right; the
                // answer is best effort. Every answer runwarden gives itself arrives, whatever the body.
                return;
            }
            throw new AssertionError("no answer to " + call, e);
        }
        assertThat(response.statusCode()).as("%s -> %s", call, response.body()).isLessThan(500);
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.path("success").isBoolean()).as("%s -> %s", call, response.body()).isTrue();
        String code = body.path("error").path("code").asText("");
        assertThat(body.path("error").path("message").asText("").length()).as("%s -> %s", call, code).isLessThan(2_048);

        if (code.equals("http_400") && (call.script().verdict().equals("BAD") || call.action() != null && call.action().contains("%"))) {
            return; // Jetty refuses some paths itself (a NUL, an encoded slash) before any route sees them
        }
        String action = call.action() == null ? "" : java.net.URLDecoder.decode(call.action(), StandardCharsets.UTF_8);
        boolean named = List.of("", "start", "fail", "heartbeat").contains(action);
        boolean exitCode = action.matches("[0-9]{1,3}") && Integer.parseInt(action) <= 255;
        if (!named && !exitCode) {
            assertThat(response.statusCode()).as("no such ping: %s -> %s", call, response.body()).isIn(404, 405);
            return;
        }
        if (call.body().length > MAX_BODY) {
            assertThat(response.statusCode()).as("%s -> %s", call, response.body()).isEqualTo(413);
            return;
        }
        if (call.script().verdict().equals("BAD")) {
            assertThat(response.statusCode()).as("%s -> %s", call, response.body()).isIn(400, 404);
            assertThat(code).as("%s -> %s", call, response.body()).isIn("invalid_scriptName", "not_found", "http_400");
            return;
        }
        String rid = firstRid(call.query());
        if (rid != null && !ridIsId(rid)) {
            assertThat(response.statusCode()).as("%s -> %s", call, response.body()).isEqualTo(400);
            assertThat(code).as("%s -> %s", call, response.body()).isIn("invalid_rid", "invalid_query");
            return;
        }
        boolean starts = action.equals("start");
        assertThat(response.statusCode()).as("%s -> %s", call, response.body()).isEqualTo(starts ? 201 : 202);
        JsonNode data = body.path("data");
        if (rid != null) {
            assertThat(data.path("runId").asText()).as("%s -> %s", call, response.body()).isEqualTo(rid);
        } else if (starts) {
            assertThat(data.path("runId").asText()).as("%s -> %s", call, response.body()).matches("[0-9a-f-]{36}");
        } else {
            assertThat(data.path("runId").isNull()).as("%s -> %s", call, response.body()).isTrue();
        }
        String event = switch (action) {
            case "start" -> "started";
            case "heartbeat" -> "heartbeat";
            case "fail" -> "failed";
            case "" -> "succeeded";
            default -> Integer.parseInt(action) == 0 ? "succeeded" : "failed";
        };
        assertThat(data.path("event").asText()).as("%s -> %s", call, response.body()).isEqualTo(event);
    }

    private static final int MAX_BODY = 64 * 1024;

    /** A path Jetty answers 400 itself, before any route: one holding an encoded NUL, or escapes that are not UTF-8. */
    static boolean refusedByJetty(String rawPath) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%' && i + 2 < rawPath.length()) {
                bytes.write(Integer.parseInt(rawPath.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] raw = bytes.toByteArray();
        for (byte b : raw) {
            if (b == 0) {
                return true;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(raw));
            return false;
        } catch (java.nio.charset.CharacterCodingException e) {
            return true;
        }
    }

    // ---- notification channels ---------------------------------------------------------------------------------

    private static final String CHANNELS = "/notifications/channels/";

    /** A channel's name in the path: good ones (each deleted again), and every way to break an id. */
    private static Arbitrary<Value> channelNames() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of(Value.good("fuzz-hook", "fuzz-hook"), Value.good("名前", "fuzz-名前-\uD83D\uDCBE"),
                        Value.good("256 chars", "f".repeat(256)), Value.good("with spaces", "fuzz hook"))),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Value.bad("257 chars", "f".repeat(257)), Value.bad("NUL", "a\u0000b"),
                        Value.bad("newline", "a\nb"), Value.bad("blank", " "), Value.bad("DEL", "a\u007fb"), Value.bad("C1", "a\u0085b"),
                        Value.either("slash", "a/b"), Value.either("dot dot", ".."), Value.either("dot", "."))));
    }

    private static String channelPath(Value name) {
        return CHANNELS + encode(name.json()).replace("+", "%20");
    }

    /** A PUT of a channel: the name in the path and in the body (same, left out, null, another, a number), the rest of the body, its type. */
    record ChannelCall(Value name, String named, HostileInputs.ChannelBody body, String contentType) {
        String nameJson() {
            return switch (named) {
                case "same" -> quoted(name.json());
                case "null" -> "null";
                case "other" -> quoted("another-channel");
                case "number" -> "42";
                default -> null;
            };
        }

        byte[] bytes() {
            return body.json(nameJson()).getBytes(contentType != null && contentType.contains("utf-16")
                    ? StandardCharsets.UTF_16 : StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "PUT " + describe(channelPath(name)) + " name " + named + ", " + body.label() + " as " + contentType;
        }
    }

    @Provide
    Arbitrary<ChannelCall> channelCalls() {
        Arbitrary<String> named = Arbitraries.frequency(net.jqwik.api.Tuple.of(6, "same"), net.jqwik.api.Tuple.of(6, "none"),
                net.jqwik.api.Tuple.of(1, "null"), net.jqwik.api.Tuple.of(1, "other"), net.jqwik.api.Tuple.of(1, "number"));
        Arbitrary<String> contentTypes = Arbitraries.frequency(net.jqwik.api.Tuple.of(40, "application/json"),
                net.jqwik.api.Tuple.of(3, "application/json; charset=utf-8"), net.jqwik.api.Tuple.of(1, "Application/JSON; Charset=\"UTF-8\""),
                net.jqwik.api.Tuple.of(1, "application/json; charset=utf-16"), net.jqwik.api.Tuple.of(1, "application/json; charset=latin1"),
                net.jqwik.api.Tuple.of(1, "application/json; charset="), net.jqwik.api.Tuple.of(1, "text/plain"),
                net.jqwik.api.Tuple.of(1, "application/x-www-form-urlencoded"), net.jqwik.api.Tuple.of(1, "multipart/form-data; boundary=x"),
                net.jqwik.api.Tuple.of(1, "application/problem+json"), net.jqwik.api.Tuple.of(1, ""));
        // unknown members more often than a record has them: each is a name the answer must not echo whole
        Arbitrary<HostileInputs.Part> unknowns = Arbitraries.of(HostileInputs.unknownFieldParts()).injectNull(0.8);
        Arbitrary<HostileInputs.ChannelBody> bodies = Combinators.combine(HostileInputs.channelBodies(), unknowns).as((body, unknown) ->
                unknown == null ? body : new HostileInputs.ChannelBody(body.type(), body.fields(), unknown));
        // createdAt is runwarden's to set: a PUT that gives one is refused, so most leave it out
        Arbitrary<HostileInputs.Part> createdAts = Arbitraries.of(HostileInputs.createdAtParts()).injectNull(0.85);
        bodies = Combinators.combine(bodies, createdAts).as((body, createdAt) -> {
            Map<String, HostileInputs.Part> fields = new java.util.LinkedHashMap<>(body.fields());
            fields.put("createdAt", createdAt == null ? new HostileInputs.Part("no createdAt", null, HostileInputs.Verdict.GOOD,
                    Set.of(), null) : createdAt);
            return new HostileInputs.ChannelBody(body.type(), fields, body.unknown());
        });
        // and a third of the bodies with no fault at all, so that enough channels are kept, read back and deleted
        Arbitrary<HostileInputs.ChannelBody> good = bodies
                .filter(body -> body.parts().stream().allMatch(part -> part.verdict() == HostileInputs.Verdict.GOOD));
        return Combinators.combine(channelNames(), named, Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(2, bodies),
                        net.jqwik.api.Tuple.of(1, good)), contentTypes)
                .as((name, n, body, type) -> new ChannelCall(name, n, body, type.isEmpty() ? null : type));
    }

    /**
     * Hostile channels put through the API: a 4xx JSON error naming the field, quoting no credential, or 200 with the
     * channel masked, which a GET reads back masked; never a 5xx or a stack trace. Every channel made is deleted again.
     */
    @Property(tries = 250)
    void hostileChannelPutsGetA4xxNamingTheFieldOrAreKeptMasked(@ForAll("channelCalls") ChannelCall call) throws Exception {
        String path = channelPath(call.name());
        HttpResponse<String> response = send(new Call("PUT", CHANNELS + "{name}", path, "", call.bytes(), call.contentType(),
                "Bearer " + TOKEN, null));
        net.jqwik.api.statistics.Statistics.label("answers").collect(response.statusCode());
        try {
            JsonNode body = assertAnswered(call, response);
            String code = body.path("error").path("code").asText("");
            if (!call.name().verdict().equals("GOOD") && response.statusCode() != 200) {
                if (call.name().verdict().equals("BAD")) {
                    assertThat(code).as("%s -> %s", call, shown(response)).isIn("invalid_name", "not_found", "method_not_allowed", "http_400");
                }
                return;
            }
            byte[] bytes = call.bytes();
            if (bytes.length > MAX_BODY) {
                assertThat(response.statusCode()).as("%s -> %s", call, shown(response)).isEqualTo(413);
                return;
            }
            io.runwarden.http.MediaType type = io.runwarden.http.MediaType.parse(call.contentType());
            if (bytes.length > 0 && (!type.isJson() || !type.isUtf8())) {
                assertThat(response.statusCode()).as("%s -> %s", call, shown(response)).isEqualTo(415);
                return;
            }
            List<String> bad = new ArrayList<>();
            List<String> either = new ArrayList<>();
            judge(call, bad, either);
            if (!bad.isEmpty()) {
                assertThat(response.statusCode()).as("%s -> %s", call, shown(response)).isEqualTo(400);
                List<String> named = new ArrayList<>(bad);
                named.addAll(either);
                assertThat(code).as("%s -> %s", call, shown(response)).isIn(named.stream().map(f -> "invalid_" + f).toList());
                return;
            }
            if (!either.isEmpty() && response.statusCode() == 400) {
                assertThat(code).as("%s -> %s", call, shown(response)).isIn(either.stream().map(f -> "invalid_" + f).toList());
                return;
            }
            assertThat(response.statusCode()).as("%s -> %s", call, shown(response)).isEqualTo(200);
            JsonNode kept = body.path("data");
            assertThat(kept.path("name").asText()).as("%s -> %s", call, shown(response)).isEqualTo(call.name().json());
            for (String masked : List.of("secret", "routingKey")) {
                assertThat(kept.path(masked).isMissingNode() || kept.path(masked).asText().equals("********"))
                        .as("%s of %s -> %s", masked, call, shown(response)).isTrue();
            }
            if (kept.path("type").asText().equals("slack")) {
                assertThat(kept.path("url").asText()).as("%s -> %s", call, shown(response)).isEqualTo("********");
            }
            HttpResponse<String> read = get(path);
            assertThat(read.statusCode()).as("GET after %s -> %s", call, shown(read)).isEqualTo(200);
            assertThat(HostileInputs.showsACredential(Json.MAPPER.readTree(read.body()))).as("GET after %s -> %s", call, shown(read)).isFalse();
        } finally {
            if (response.statusCode() == 200) {
                HttpResponse<String> deleted = send(new Call("DELETE", CHANNELS + "{name}", path, "", new byte[0], null, "Bearer " + TOKEN, null));
                assertThat(deleted.statusCode()).as("DELETE after %s -> %s", call, shown(deleted)).isEqualTo(200);
            }
            // whatever was answered, no channel shows a credential
            HttpResponse<String> all = get("/notifications/channels");
            assertThat(all.statusCode()).as("the channels after %s -> %s", call, shown(all)).isEqualTo(200);
            assertThat(HostileInputs.showsACredential(Json.MAPPER.readTree(all.body()))).as("the channels after %s", call).isFalse();
        }
    }

    /** The fields the answer to a PUT must name if it refuses it ({@code bad}), and those it may name ({@code either}). */
    private static void judge(ChannelCall call, List<String> bad, List<String> either) {
        if (call.named().equals("other") || call.named().equals("number")) {
            bad.add("name");
        }
        String typeField = "type";
        judgePart(typeField, call.body().type(), bad, either);
        call.body().fields().forEach((field, part) -> {
            if (field.equals("createdAt")) {
                // runwarden's to set: a PUT that gives one is refused
                if (part.json() != null && !part.json().equals("null")) {
                    bad.add(field);
                }
                return;
            }
            if (part.json() != null && part.json().equals(quoted("********"))) {
                either.add(field); // kept from a stored channel of that name, if there is one
                return;
            }
            judgePart(field, part, bad, either);
        });
        HostileInputs.Part unknown = call.body().unknown();
        if (unknown.json() != null) {
            JsonNode member = parsed("{" + unknown.json() + "}");
            if (member == null) {
                bad.add("body");
            } else {
                // a name that is no plain field name is not echoed in the code
                String name = member.fieldNames().next();
                bad.add(name.matches("[A-Za-z0-9_.-]{1,64}") ? name : "field");
            }
        }
    }

    private static void judgePart(String field, HostileInputs.Part part, List<String> bad, List<String> either) {
        // a value the JSON parser refuses (nested beyond its 1,000 levels) is a fault of the body
        String name = part.json() != null && parsed(part.json()) == null ? "body" : field;
        if (part.verdict() == HostileInputs.Verdict.BAD) {
            bad.add(name);
        } else if (part.verdict() == HostileInputs.Verdict.EITHER) {
            either.add(name);
        }
    }

    private static JsonNode parsed(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    /** Common to every answer: never a 5xx or a stack trace, the envelope, a bounded message, and no credential. */
    private static JsonNode assertAnswered(Object call, HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as("%s -> %s", call, shown(response)).isLessThan(500);
        assertThat(response.body()).as("%s", call).doesNotContain("Exception", "\tat ", "at io.", "at org.");
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.path("success").isBoolean()).as("%s -> %s", call, shown(response)).isTrue();
        // no value is echoed whole: an error quotes at most 256 characters of one
        assertThat(body.path("error").path("message").asText("").length()).as("%s -> %s", call, shown(response)).isLessThan(2_048);
        assertThat(body.path("error").path("code").asText("").length()).as("%s -> %s", call, shown(response)).isLessThan(100);
        if (response.statusCode() >= 400) {
            assertThat(response.body()).as("a refusal of %s quotes no credential", call).doesNotContain(HostileInputs.CREDENTIAL);
        } else {
            assertThat(HostileInputs.showsACredential(body)).as("%s -> %s", call, shown(response)).isFalse();
        }
        return body;
    }

    /** An answer as an assertion's message shows it: its status and at most 300 characters of its body. */
    private static String shown(HttpResponse<String> response) {
        return response.statusCode() + " " + describe(response.body().length() > 300 ? response.body().substring(0, 300) + "…" : response.body());
    }

    /** A read, with the read token. */
    private static HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(ownOrigin() + pathAndQuery)).timeout(Patience.HTTP_REQUEST)
                .header("Authorization", "Bearer " + READ_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A test send: to a name that is not an id, to one with no channel, or to a channel made for it (deleted after). */
    record TestCall(Value name, String made) {
        @Override
        public String toString() {
            return "POST " + describe(channelPath(name)) + "/test to " + made;
        }
    }

    @Provide
    Arbitrary<TestCall> testCalls() {
        return Combinators.combine(channelNames(), Arbitraries.of("no channel", "webhook", "slack", "email", "pagerduty")).as(TestCall::new);
    }

    /**
     * A test send answers 400 or 404 for a name that is not an id or has no channel, and 200 with how it went for a
     * channel; the attempt is in the deliveries, and neither answer holds a credential.
     */
    @Property(tries = 60)
    void hostileTestSendsGetA4xxOrTheirOutcome(@ForAll("testCalls") TestCall call) throws Exception {
        String path = channelPath(call.name());
        boolean made = false;
        if (!call.made().equals("no channel") && call.name().verdict().equals("GOOD")) {
            String url = quoted(HostileInputs.CHANNEL_URL);
            String channel = switch (call.made()) {
                case "webhook" -> "{\"type\":\"webhook\",\"url\":" + url + ",\"secret\":" + quoted("s3cret-" + HostileInputs.CREDENTIAL) + "}";
                case "slack" -> "{\"type\":\"slack\",\"url\":" + url + "}";
                case "email" -> "{\"type\":\"email\",\"to\":[\"ops@example.com\"]}";
                default -> "{\"type\":\"pagerduty\",\"url\":" + url + ",\"routingKey\":" + quoted("R0UT1NG-" + HostileInputs.CREDENTIAL) + "}";
            };
            HttpResponse<String> put = send(new Call("PUT", CHANNELS + "{name}", path, "", channel.getBytes(StandardCharsets.UTF_8),
                    "application/json", "Bearer " + TOKEN, null));
            assertAnswered(call, put);
            assertThat(put.statusCode()).as("%s: PUT -> %s", call, shown(put)).isEqualTo(200);
            made = true;
        }
        try {
            HttpResponse<String> response = send(new Call("POST", CHANNELS + "{name}/test", path + "/test", "", new byte[0], null,
                    "Bearer " + TOKEN, null));
            JsonNode body = assertAnswered(call, response);
            String code = body.path("error").path("code").asText("");
            if (call.name().verdict().equals("BAD")) {
                assertThat(code).as("%s -> %s", call, shown(response)).isIn("invalid_name", "not_found", "method_not_allowed", "http_400");
                return;
            }
            if (!made) {
                assertThat(response.statusCode()).as("%s -> %s", call, shown(response)).isIn(400, 404, 405);
                return;
            }
            assertThat(response.statusCode()).as("%s -> %s", call, shown(response)).isEqualTo(200);
            JsonNode result = body.path("data");
            assertThat(result.path("outcome").asText()).as("%s -> %s", call, shown(response)).isIn("delivered", "retried", "failed");
            assertThat(result.path("notificationId").asText()).as("%s -> %s", call, shown(response)).isNotEmpty();
            HttpResponse<String> deliveries = get("/notifications/deliveries?channel=" + encode(call.name().json()));
            assertAnswered(call, deliveries);
            assertThat(deliveries.statusCode()).as("deliveries after %s -> %s", call, shown(deliveries)).isEqualTo(200);
        } finally {
            if (made) {
                HttpResponse<String> deleted = send(new Call("DELETE", CHANNELS + "{name}", path, "", new byte[0], null, "Bearer " + TOKEN, null));
                assertThat(deleted.statusCode()).as("DELETE after %s -> %s", call, shown(deleted)).isEqualTo(200);
            }
        }
    }

    /** A query parameter's value as sent (already encoded), and whether the route must refuse it. */
    record Param(String name, String encoded, String verdict) {
        @Override
        public String toString() {
            return name + "=" + describe(encoded) + " [" + verdict + "]";
        }
    }

    /** A read of the deliveries or of the latest alerts with hostile parameters. */
    record ReadCall(String route, List<Param> params) {
        String query() {
            return String.join("&", params.stream().map(p -> p.name() + "=" + p.encoded()).toList());
        }

        @Override
        public String toString() {
            return "GET " + route + "?" + params;
        }
    }

    @Provide
    Arbitrary<ReadCall> readCalls() {
        Arbitrary<String[]> ids = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.of(new String[]{encode("fuzz-hook"), "GOOD"}, new String[]{encode("名前"), "GOOD"},
                        new String[]{"f".repeat(256), "GOOD"}, new String[]{"with%20space", "GOOD"})),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(new String[]{"", "BAD"}, new String[]{"%20%20", "BAD"},
                        new String[]{"f".repeat(257), "BAD"}, new String[]{"a%00b", "BAD"}, new String[]{"a%0D%0AX-Forged:%201", "BAD"},
                        new String[]{"%ED%A0%80", "BAD"}, new String[]{"%FF", "BAD"},
                        new String[]{"x".repeat(2_000), "BAD"})));
        Arbitrary<String> limits = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of("1", "2", "50", "500", "%205%20", "007")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("0", "-1", "501", "1000", "1001", "abc", "", "1e3", "5.0", "99999999999",
                        "2147483648", "%00", "%EF%BC%95")));
        String[] crafted = {"d1:[0,\"c\",\"n\",1]", "d1:[9223372036854775807,\"c\",\"n\",2147483647]",
                "d1:[-9223372036854775808,\"\",\"\",-1]", "d1:[1,2,3,4]", "d1:[1,\"c\",\"n\"]", "d1:[1,\"c\",\"n\",1] x", "d0:[1,\"c\",\"n\",1]",
                "d1:" + "[".repeat(1_500)};
        Arbitrary<String[]> cursors = Arbitraries.oneOf(
                Arbitraries.of(crafted).map(text -> {
                    String cursor = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
                    boolean good = text.matches("d1:\\[-?\\d+,\"[^\"]*\",\"[^\"]*\",-?\\d+]");
                    return new String[]{cursor, good ? "GOOD" : "BAD"};
                }),
                Arbitraries.of(new String[]{"abc", "BAD"}, new String[]{"", "BAD"}, new String[]{"!!!", "BAD"},
                        new String[]{"A".repeat(2_000), "BAD"}, new String[]{"%00", "BAD"}));
        Arbitrary<String> routes = Arbitraries.of("/notifications/deliveries", "/notifications/alerts");
        return routes.flatMap(route -> {
            List<Arbitrary<Param>> params = new ArrayList<>();
            if (route.endsWith("deliveries")) {
                params.add(ids.map(v -> new Param("channel", v[0], v[1])).injectNull(0.5));
                params.add(cursors.map(v -> new Param("cursor", v[0], v[1])).injectNull(0.5));
            }
            params.add(ids.map(v -> new Param("scriptName", v[0], v[1])).injectNull(0.5));
            int max = route.endsWith("deliveries") ? 1_000 : 500;
            params.add(limits.map(v -> new Param("limit", v, limitVerdict(v, max))).injectNull(0.5));
            return Combinators.combine(params).as(list -> new ReadCall(route, list.stream().filter(java.util.Objects::nonNull).toList()));
        });
    }

    private static String limitVerdict(String encoded, int max) {
        try {
            int limit = Integer.parseInt(java.net.URLDecoder.decode(encoded, StandardCharsets.UTF_8).trim());
            return limit >= 1 && limit <= max ? "GOOD" : "BAD";
        } catch (NumberFormatException e) {
            return "BAD";
        }
    }

    /** The deliveries and the latest alerts with hostile parameters: 200, or a 400 naming a parameter that is wrong. */
    @Property(tries = 150)
    void hostileReadsOfDeliveriesAndAlertsGet200OrA400NamingTheParameter(@ForAll("readCalls") ReadCall call) throws Exception {
        HttpResponse<String> response = get(call.route() + "?" + call.query());
        JsonNode body = assertAnswered(call, response);
        List<String> bad = call.params().stream().filter(p -> !p.verdict().equals("GOOD")).map(p -> "invalid_" + p.name()).toList();
        if (bad.isEmpty()) {
            assertThat(response.statusCode()).as("%s -> %s", call, shown(response)).isEqualTo(200);
            JsonNode list = body.path("data").path(call.route().endsWith("deliveries") ? "deliveries" : "alerts");
            assertThat(list.isArray()).as("%s -> %s", call, shown(response)).isTrue();
            return;
        }
        assertThat(response.statusCode()).as("%s -> %s", call, shown(response)).isEqualTo(400);
        assertThat(body.path("error").path("code").asText()).as("%s -> %s", call, shown(response)).isIn(bad);
    }


    /** The first rid of a query as runwarden reads it (UTF-8), null when there is none; a malformed escape is "\u0000". */
    private static String firstRid(String query) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (name.equals("rid")) {
                try {
                    return java.net.URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return "\u0000";
                }
            }
        }
        return null;
    }

    private static boolean ridIsId(String rid) {
        try {
            io.runwarden.model.Bounds.id(rid);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Provide
    Arbitrary<PingCall> pingCalls() {
        Arbitrary<Value> scripts = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of(Value.good("backup", "backup"), Value.good("nightly backup", "nightly backup"),
                        Value.good("名前", "名前-スクリプト"), Value.good("256 chars", "p".repeat(256)))),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Value.bad("257 chars", "p".repeat(257)), Value.bad("NUL", "a\u0000b"),
                        Value.bad("newline", "a\nb"), Value.bad("blank", " "), Value.bad("C1", "a\u0085b"))));
        Arbitrary<String> actions = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(3, "start"), net.jqwik.api.Tuple.of(2, "fail"), net.jqwik.api.Tuple.of(2, "heartbeat"),
                net.jqwik.api.Tuple.of(3, "0"), net.jqwik.api.Tuple.of(2, "1"), net.jqwik.api.Tuple.of(1, "255"),
                net.jqwik.api.Tuple.of(1, "007"), net.jqwik.api.Tuple.of(1, "256"), net.jqwik.api.Tuple.of(1, "999"),
                net.jqwik.api.Tuple.of(1, "1000"), net.jqwik.api.Tuple.of(1, "-1"), net.jqwik.api.Tuple.of(1, "%2B1"),
                net.jqwik.api.Tuple.of(1, "1.0"), net.jqwik.api.Tuple.of(1, "0x1"), net.jqwik.api.Tuple.of(1, "1e2"),
                net.jqwik.api.Tuple.of(1, "99999999999999999999"), net.jqwik.api.Tuple.of(1, encode("\uFF12\uFF15\uFF15")),
                net.jqwik.api.Tuple.of(1, "START"), net.jqwik.api.Tuple.of(1, "succeeded"), net.jqwik.api.Tuple.of(1, "%00"),
                net.jqwik.api.Tuple.of(1, "start%0A"), net.jqwik.api.Tuple.of(1, "start%2Fx"), net.jqwik.api.Tuple.of(1, ""))
                .injectNull(0.2);
        Arbitrary<String> rids = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(4, "rid=ping-" + java.util.UUID.randomUUID()), net.jqwik.api.Tuple.of(1, "rid="),
                net.jqwik.api.Tuple.of(1, "rid"), net.jqwik.api.Tuple.of(1, "rid=%20%20"), net.jqwik.api.Tuple.of(1, "rid=a%00b"),
                net.jqwik.api.Tuple.of(1, "rid=a%0D%0AX-Forged:%201"), net.jqwik.api.Tuple.of(1, "rid=" + "r".repeat(257)),
                net.jqwik.api.Tuple.of(1, "rid=" + "r".repeat(256)), net.jqwik.api.Tuple.of(1, "rid=%ED%A0%80"),
                net.jqwik.api.Tuple.of(1, "rid=%FF"), net.jqwik.api.Tuple.of(1, "rid=%C2%85"),
                net.jqwik.api.Tuple.of(1, "rid=a&rid=%00"), net.jqwik.api.Tuple.of(1, "x=1&rid=ok-" + java.util.UUID.randomUUID()))
                .injectNull(0.5).map(q -> q == null ? "" : q);
        Arbitrary<byte[]> bodies = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(new byte[0])),
                net.jqwik.api.Tuple.of(3, Arbitraries.of("done", "line1\nline2\u0000\u001b[2J", "{\"message\":\"json\"}", "é".repeat(100))
                        .map(t -> t.getBytes(StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(2_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(MAX_BODY - 1, MAX_BODY, MAX_BODY + 1, 1024 * 1024).map(n -> filled(n, (byte) 'x'))),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(
                        "\uD83D\uDCBE".repeat(MAX_BODY / 4).getBytes(StandardCharsets.UTF_8), // 64 KiB of 4-byte characters
                        new byte[]{(byte) 0xed, (byte) 0xa0, (byte) 0x80, (byte) 0xff, (byte) 0xfe, 0},
                        "done".getBytes(StandardCharsets.UTF_16))));
        Arbitrary<String> contentTypes = Arbitraries.of("", "text/plain", "text/plain; charset=ebcdic", "application/json",
                "application/json; charset=utf-16", "application/octet-stream", "multipart/form-data; boundary=xyz",
                "multipart/form-data", "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=ebcdic",
                "image/png", "text/plain; charset=\"\"");
        return Combinators.combine(scripts, actions, rids, bodies, contentTypes)
                .as((script, action, query, body, type) -> new PingCall(script, action, query, body, type.isEmpty() ? null : type));
    }

    private static byte[] filled(int size, byte value) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }

    /** Mostly good values, a fault in a quarter of the draws. */
    private static Arbitrary<Value> leaning(Value... values) {
        List<Value> good = java.util.Arrays.stream(values).filter(v -> v.verdict().equals("GOOD")).toList();
        List<Value> other = java.util.Arrays.stream(values).filter(v -> !v.verdict().equals("GOOD")).toList();
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.of(good)), net.jqwik.api.Tuple.of(1, Arbitraries.of(other)));
    }

    /** A value for a message: at most 80 characters of it, control characters escaped. */
    private static String describe(String value) {
        String shown = value.length() > 80 ? value.substring(0, 80) + "…(" + value.length() + ")" : value;
        StringBuilder out = new StringBuilder();
        shown.chars().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }

    private static HttpResponse<String> post(String path, byte[] body, String contentType) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ownOrigin() + path)).timeout(Patience.HTTP_REQUEST)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Authorization", "Bearer " + TOKEN);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
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
        Arbitrary<String> auth = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, Arbitraries.just("Bearer " + TOKEN)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("Bearer " + READ_TOKEN, "bearer " + READ_TOKEN, "BEARER  " + TOKEN + " ")),
                net.jqwik.api.Tuple.of(2, Arbitraries.just("")), net.jqwik.api.Tuple.of(3, Arbitraries.of(WRONG_AUTH)),
                // any text a client can put in a header: java.net.http refuses control characters
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60).map(String::strip)));
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
