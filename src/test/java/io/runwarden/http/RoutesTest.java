package io.runwarden.http;

import io.runwarden.config.Tokens;
import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.http.HttpTestClient.Response;
import io.runwarden.metrics.ServiceMetrics;
import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.CronJob;
import io.runwarden.model.EventType;
import io.runwarden.model.FailureReason;
import io.runwarden.model.InvalidFieldException;
import io.runwarden.model.Json;
import io.runwarden.model.LateCompletion;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.Ping;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.model.ScriptStats;
import io.runwarden.model.Trigger;
import io.runwarden.notify.Channel;
import io.runwarden.notify.ChannelRules;
import io.runwarden.notify.ChannelType;
import io.runwarden.notify.DeliveriesQuery;
import io.runwarden.notify.DeliveryAttempt;
import io.runwarden.notify.DeliveryLog;
import io.runwarden.notify.DeliveryOutcome;
import io.runwarden.notify.DeliverySummary;
import io.runwarden.runs.LogsQuery;
import io.runwarden.service.Unavailable;
import io.runwarden.sweep.SweepPart;
import io.runwarden.sweep.SweepProgress;
import io.runwarden.sweep.SweepRequest;
import io.runwarden.sweep.SweepResult;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static io.runwarden.http.FakeServices.NOW;
import org.assertj.core.api.InstanceOfAssertFactories;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Every route over real HTTP against {@link FakeServices}, with no broker: what a user of the API sees (status,
 * headers, the JSON of the envelope) and what the route hands the service.
 */
class RoutesTest {
    private static final Instant T0 = Instant.parse("2025-11-20T10:30:00Z");
    private static final JsonNode SCHEMAS = schemas();

    private final FakeServices fake = new FakeServices();
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final ApiServer server = ApiServer.start("127.0.0.1", 0, Tokens.NONE, metrics.registry());
    private final HttpTestClient http = new HttpTestClient(server.port(), null);

    {
        server.serve(fake.services());
    }

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
    }

    private static void assertError(Response response, int status, String code) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.body().path("success").asBoolean(true)).isFalse();
        assertThat(response.errorCode()).as(response.text()).isEqualTo(code);
        assertShape(response.body().path("error"), "Error");
    }

    /** The fields of {@code node} are those openapi.json gives the schema: every required one, and no other. */
    private static void assertShape(JsonNode node, String schema) {
        JsonNode spec = SCHEMAS.path(schema);
        assertThat(spec.isObject()).as("schema " + schema).isTrue();
        List<String> fields = new ArrayList<>();
        node.fieldNames().forEachRemaining(fields::add);
        List<String> documented = new ArrayList<>();
        spec.path("properties").fieldNames().forEachRemaining(documented::add);
        assertThat(fields).as(schema + " of " + node).containsAll(texts(spec.path("required")))
                .allMatch(documented::contains, "documented in " + schema + " " + documented);
    }

    private static void assertOk(Response response, int status) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.body().path("success").asBoolean()).isTrue();
    }

    private static RunRecord run(String runId, String script, RunStatus status, FailureReason reason, Instant start,
                                 Instant deadline) {
        return new RunRecord(runId, script, status, start, status == RunStatus.IN_PROGRESS ? null : start.plusSeconds(60),
                "msg of " + runId, reason, deadline, null, null, null, null);
    }

    private static RunRecord inProgress(String runId, String script, Instant start, Instant deadline) {
        return run(runId, script, RunStatus.IN_PROGRESS, null, start, deadline);
    }

    private static JsonNode schemas() {
        try (InputStream in = RoutesTest.class.getResourceAsStream("/openapi.json")) {
            return Json.MAPPER.readTree(in).path("components").path("schemas");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A cursor of the shape the API hands out: base64url of "v1:", 19 digits of time, ':' and a runId. */
    private static String cursor(String runId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("v1:0000000001234567890:" + runId).getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    @Test
    void aMissedSlotsRunOfAScriptWithALongNameIsReadable() {
        String runId = "s".repeat(256) + "@2026-11-30T03:00:00Z";
        fake.runs.put(runId, run(runId, "s".repeat(256), RunStatus.FAILED, FailureReason.MISSED, T0, null));

        Response response = http.get("/script/logs/" + runId);

        assertOk(response, 200);
        assertThat(response.data().path("failureReason").asText()).isEqualTo("missed");
        assertError(http.get("/script/logs/" + "s".repeat(400)), 400, "invalid_runId");
    }

    /** A body that breaks off on the wire is the client's fault: a 400 that says so, nothing written, no 500. */
    @Test
    void aBodyCutShortOnTheWireIs400AndWritesNothing() throws Exception {
        List<String> answers = new ArrayList<>();
        for (String path : List.of("/script/runs", "/ping/backup/fail", "/script/policies/backup")) {
            String method = path.startsWith("/script/policies") ? "PUT" : "POST";
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
            for (String chunks : List.of("zz\r\n{}\r\n0\r\n\r\n", "5\r\n{\"scriptName\": \"s\"}\r\n0\r\n\r\n",
                    "ffffffffffffffffff\r\n{}\r\n")) {
                answers.add(raw(head + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks));
            }
            answers.add(raw(head + "Content-Length: 100\r\nConnection: close\r\n\r\n{\"scriptName\": \"s\"}"));
        }

        assertThat(answers).allSatisfy(answer -> assertThat(answer).startsWith("HTTP/1.1 400"));
        assertThat(fake.reported).isEmpty();
        assertThat(fake.pings).isEmpty();
        assertThat(fake.policies).isEmpty();
    }

    /** A request written on a socket as is, its writing side then closed; the answer as text. */
    private String raw(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Two objects, or one and more: the second line of NDJSON, a failure, would have vanished unread. */
    @Test
    void aBodyWithMoreAfterItsObjectIsNotJson() {
        for (String body : List.of("{\"scriptName\": \"s\"} {\"scriptName\": \"t\"}", "{\"scriptName\": \"s\"}\n{\"event\": \"failed\"}",
                "{\"scriptName\": \"s\"} garbage", "{\"scriptName\": \"s\"}]")) {
            assertError(http.post("/script/runs", body), 400, "invalid_body");
        }
        assertOk(http.post("/script/runs", "{\"scriptName\": \"s\"}\n\t "), 201);
        assertThat(fake.reported).hasSize(1);
    }

    /** "1 to 256 characters": characters as a user counts them, so 256 emoji are a name and 257 are not. */
    @Test
    void aNameIsBoundedInCharactersNotUtf16Units() {
        String floppy = "\uD83D\uDCBE";
        assertOk(http.post("/script/runs", "{\"scriptName\": \"" + floppy.repeat(256) + "\"}"), 201);
        Response tooLong = http.post("/script/runs", "{\"scriptName\": \"" + floppy.repeat(257) + "\"}");
        assertError(tooLong, 400, "invalid_scriptName");
        assertThat(tooLong.body().path("error").path("message").asText()).contains("is 257 characters long");
    }

    @Test
    void jsonMayNameUtf8ByAnyOfItsNames() {
        for (String type : List.of("application/json; charset=utf8", "application/json; charset=UTF8",
                "application/json; charset=\"unicode-1-1-utf-8\"")) {
            Response response = http.send(http.request("/script/runs").header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"scriptName\": \"s\"}")));
            assertOk(response, 201);
        }
        Response latin = http.send(http.request("/script/runs").header("Content-Type", "application/json; charset=latin1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"scriptName\": \"s\"}")));
        assertError(latin, 415, "unsupported_media_type");
    }

    @Nested
    class Pings {
        @Test
        void aStartWithoutRidOpensANewRunAndTheStreamPairsTheRest() {
            Response start = http.postText("/ping/nightly%20backup/start", "starting\n", "text/plain");

            assertOk(start, 201);
            String runId = start.data().path("runId").asText();
            assertThat(UUID.fromString(runId).toString()).isEqualTo(runId);
            assertThat(start.data().path("event").asText()).isEqualTo("started");
            Response end = http.postText("/ping/nightly%20backup", null, null);
            assertOk(end, 202);
            assertThat(end.data().path("runId").isNull()).as("the stream pairs it").isTrue();

            assertThat(fake.pings).extracting(Ping::scriptName, Ping::event, Ping::runId, Ping::message).containsExactly(
                    tuple("nightly backup", EventType.STARTED, runId, "starting\n"),
                    tuple("nightly backup", EventType.SUCCEEDED, null, null));
            assertThat(fake.reported).isEmpty();
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
                "/ping/backup           | SUCCEEDED | done            | done",
                "/ping/backup/fail      | FAILED    | disk full       | disk full",
                "/ping/backup/0         | SUCCEEDED | all good        | all good",
                "/ping/backup/3         | FAILED    | rsync: timeout  | exit 3: rsync: timeout",
                "/ping/backup/255       | FAILED    |                 | exit 255",
                "/ping/backup/heartbeat | HEARTBEAT | 40% done        | 40% done",
        })
        void eachPingIsItsEventWithTheBodyAsItsMessage(String path, EventType type, String body, String message) {
            assertOk(http.postText(path, body, "application/octet-stream"), 202);

            assertThat(fake.pings).singleElement().satisfies(ping -> {
                assertThat(ping.event()).isEqualTo(type);
                assertThat(ping.message()).isEqualTo(message);
                assertThat(ping.runId()).isNull();
            });
        }

        @Test
        void withRidThePingIsAnOrdinaryEventOfThatRun() {
            Response start = http.postText("/ping/backup/start?rid=run-42", null, null);
            Response end = http.postText("/ping/backup/1?rid=run-42", "oops", "text/plain");

            assertOk(start, 201);
            assertThat(start.data().path("runId").asText()).isEqualTo("run-42");
            assertOk(end, 202);
            assertThat(end.data().path("runId").asText()).isEqualTo("run-42");
            assertThat(fake.reported).extracting(LifecycleEvent::runId, LifecycleEvent::scriptName, LifecycleEvent::type,
                    LifecycleEvent::message).containsExactly(tuple("run-42", "backup", EventType.STARTED, null),
                    tuple("run-42", "backup", EventType.FAILED, "exit 1: oops"));
            assertThat(fake.pings).isEmpty();
        }

        @Test
        void anUnknownPingOrExitCodeIs404AndABadNameOrRid400WithNothingWritten() {
            assertThat(http.postText("/ping/backup/256", null, null).status()).isEqualTo(404);
            assertThat(http.postText("/ping/backup/reboot", null, null).status()).isEqualTo(404);
            assertThat(http.postText("/ping/backup/-1", null, null).status()).isEqualTo(404);
            assertError(http.postText("/ping/backup/start?rid=", null, null), 400, "invalid_rid");
            assertError(http.postText("/ping/" + "s".repeat(257), null, null), 400, "invalid_scriptName");
            assertError(http.postText("/ping/bad%01name/start", null, null), 400, "invalid_scriptName");
            assertThat(http.get("/ping/backup").status()).isEqualTo(405);
            assertThat(fake.pings).isEmpty();
            assertThat(fake.reported).isEmpty();
        }

        @Test
        void aPingNeedsTheTokenAsAnyPost() {
            ServiceMetrics guarded = new ServiceMetrics();
            ApiServer withToken = ApiServer.start("127.0.0.1", 0, new Tokens(List.of("s3cret"), List.of(), List.of()), guarded.registry());
            try {
                withToken.serve(fake.services());
                HttpTestClient anonymous = new HttpTestClient(withToken.port(), null);
                assertThat(anonymous.postText("/ping/backup/start", null, null).status()).isEqualTo(401);
                assertOk(new HttpTestClient(withToken.port(), "s3cret").postText("/ping/backup/start", null, null), 201);
                assertThat(fake.pings).hasSize(1);
            } finally {
                withToken.close();
                guarded.close();
            }
        }
    }

    @Nested
    class Ingest {
        @Test
        void aStartIs201WithTheLocationOfTheRunAndReportsTheEventAsSent() {
            Response response = http.post("/script/runs", """
                    {"runId": "nightly backup/1+ü", "scriptName": "backup", "message": "go",
                     "maxRuntime": "PT6H", "time": "2025-11-20T10:30:00Z"}""");

            assertOk(response, 201);
            assertThat(response.data().path("runId").asText()).isEqualTo("nightly backup/1+ü");
            assertThat(response.data().path("event").asText()).isEqualTo("started");
            assertShape(response.data(), "Accepted");
            assertThat(response.headers().firstValue("Location"))
                    .hasValue("/script/logs/nightly%20backup%2F1%2B%C3%BC");
            assertThat(fake.reported).containsExactly(new LifecycleEvent("nightly backup/1+ü", "backup",
                    EventType.STARTED, T0, "go", Duration.ofHours(6)));
        }

        @Test
        void aTimeMayBeEpochMillisOrCarryAnOffset() {
            assertOk(http.post("/script/runs", "{\"runId\": \"r1\", \"scriptName\": \"s\", \"time\": "
                    + T0.toEpochMilli() + "}"), 201);
            assertOk(http.post("/script/runs", "{\"runId\": \"r2\", \"scriptName\": \"s\", "
                    + "\"time\": \"2025-11-20T11:30:00+01:00\"}"), 201);

            assertThat(fake.reported).extracting(LifecycleEvent::time).containsExactly(T0, T0);
            assertThat(fake.written).extracting(event -> event.path("time").asText())
                    .as("written to script-events as sent").containsExactly(String.valueOf(T0.toEpochMilli()), "2025-11-20T11:30:00+01:00");
            assertThat(fake.written.get(1).toString()).isEqualTo("{\"runId\":\"r2\",\"scriptName\":\"s\","
                    + "\"time\":\"2025-11-20T11:30:00+01:00\",\"event\":\"started\"}");
        }

        @Test
        void withoutARunIdAUuidIsGeneratedAndWithoutATimeTheEventIsOfNow() {
            Instant before = Instant.ofEpochMilli(System.currentTimeMillis());
            Response response = http.post("/script/runs", "{\"scriptName\": \"backup\"}");
            Instant after = Instant.ofEpochMilli(System.currentTimeMillis());

            assertOk(response, 201);
            String runId = response.data().path("runId").asText();
            assertThat(UUID.fromString(runId).toString()).isEqualTo(runId);
            assertThat(response.headers().firstValue("Location")).hasValue("/script/logs/" + runId);
            assertThat(fake.reported).singleElement().satisfies(event -> {
                assertThat(event.runId()).isEqualTo(runId);
                assertThat(event.scriptName()).isEqualTo("backup");
                assertThat(event.type()).isEqualTo(EventType.STARTED);
                assertThat(event.message()).isNull();
                assertThat(event.maxRuntime()).isNull();
                assertThat(event.time()).isBetween(before, after);
            });
            assertThat(http.post("/script/runs", "{\"scriptName\": \"backup\"}").data().path("runId").asText())
                    .as("each start gets its own id").isNotEqualTo(runId);
        }

        @ParameterizedTest
        @EnumSource(value = EventType.class, names = {"HEARTBEAT", "SUCCEEDED", "FAILED"})
        void heartbeatsAndEndsAre202AndReportTheirEventType(EventType type) {
            Response response = http.post("/script/runs/run-1/" + type.wireName(),
                    "{\"message\": \"42 rows\", \"time\": \"2025-11-20T10:30:00Z\"}");

            assertOk(response, 202);
            assertThat(response.data().path("runId").asText()).isEqualTo("run-1");
            assertThat(response.data().path("event").asText()).isEqualTo(type.wireName());
            assertShape(response.data(), "Accepted");
            assertThat(response.headers().firstValue("Location")).as("only a start names where the run is").isEmpty();
            assertThat(fake.reported).containsExactly(new LifecycleEvent("run-1", null, type, T0, "42 rows", null));
        }

        @ParameterizedTest
        @EnumSource(value = EventType.class, names = {"HEARTBEAT", "SUCCEEDED", "FAILED"})
        void anEventWithoutABodyIsOfNowAndTheRunIdOfThePathMayBeRepeatedInTheBody(EventType type) {
            assertOk(http.post("/script/runs/run%201/" + type.wireName(), null), 202);
            assertOk(http.post("/script/runs/run%201/" + type.wireName(),
                    "{\"runId\": \"run 1\", \"scriptName\": \"backup\"}"), 202);

            assertThat(fake.reported).extracting(LifecycleEvent::runId, LifecycleEvent::type, LifecycleEvent::scriptName)
                    .containsExactly(tuple("run 1", type, null),
                            tuple("run 1", type, "backup"));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
                "unknown field on a start    | /script/runs                 | {\"scriptName\": \"s\", \"colour\": \"red\"} | invalid_colour",
                "unknown field on an end     | /script/runs/r1/succeeded    | {\"exitCode\": 0}                          | invalid_exitCode",
                "the event is the path's     | /script/runs/r1/failed       | {\"event\": \"succeeded\"}                 | invalid_event",
                "the original status form    | /script/runs                 | {\"scriptName\": \"s\", \"status\": 2}     | invalid_status",
                "runId differs from the path | /script/runs/r1/heartbeat    | {\"runId\": \"r2\"}                        | invalid_runId",
                "a start without scriptName  | /script/runs                 | {\"runId\": \"r1\", \"message\": \"m\"}    | invalid_event",
                "an empty start              | /script/runs                 |                                            | invalid_event",
                "blank scriptName            | /script/runs                 | {\"scriptName\": \" \"}                    | invalid_scriptName",
                "scriptName not a string     | /script/runs                 | {\"scriptName\": 7}                        | invalid_scriptName",
                "runId not a string          | /script/runs                 | {\"scriptName\": \"s\", \"runId\": 7}      | invalid_runId",
                "maxRuntime not a duration   | /script/runs                 | {\"scriptName\": \"s\", \"maxRuntime\": \"six hours\"} | invalid_event",
                "maxRuntime beyond P3650D    | /script/runs                 | {\"scriptName\": \"s\", \"maxRuntime\": \"P3651D\"}    | invalid_event",
                "maxRuntime of zero          | /script/runs                 | {\"scriptName\": \"s\", \"maxRuntime\": \"PT0S\"}      | invalid_event",
                "maxRuntime on a heartbeat   | /script/runs/r1/heartbeat    | {\"maxRuntime\": \"-PT1H\"}                | invalid_event",
                "time not an instant         | /script/runs                 | {\"scriptName\": \"s\", \"time\": \"yesterday\"}       | invalid_event",
                "time before 1970            | /script/runs/r1/succeeded    | {\"time\": \"1969-12-31T23:59:59Z\"}       | invalid_event",
                "message not a string        | /script/runs/r1/failed       | {\"message\": 42}                          | invalid_event",
                "body not JSON               | /script/runs                 | {scriptName: s}                            | invalid_body",
                "body not an object          | /script/runs/r1/heartbeat    | [\"scriptName\"]                           | invalid_body",
                "a runId over 256 characters | /script/runs                 | {\"scriptName\": \"s\", \"runId\": \"RRR\"} | invalid_runId",
                "a scriptName over 256       | /script/runs                 | {\"scriptName\": \"RRR\"}              | invalid_scriptName",
                "a scriptName with a NUL     | /script/runs/r1/failed       | {\"scriptName\": \"a\\u0000b\"}        | invalid_scriptName",
                "a path runId with a control | /script/runs/r%01/heartbeat  | {}                                         | invalid_runId",
                "the path before the body    | /script/runs/r%01/succeeded  | [\"scriptName\"]                           | invalid_runId",
        })
        void aBadReportIs400NamingWhatIsWrongAndReportsNothing(String name, String path, String body, String code) {
            Response response = http.post(path, body == null ? null : body.replace("RRR", "r".repeat(257)));

            assertError(response, 400, code);
            if (code.startsWith("invalid_") && !code.equals("invalid_event") && !code.equals("invalid_body")) {
                assertThat(response.body().path("error").path("message").asText())
                        .startsWith(code.substring("invalid_".length()) + ": ");
            }
            assertThat(response.headers().firstValue("Location")).isEmpty();
            assertThat(fake.reported).isEmpty();
        }

        @Test
        void theMessageOfABadEventSaysWhichFieldIsWrong() {
            assertThat(http.post("/script/runs", "{\"scriptName\": \"s\", \"maxRuntime\": \"P3651D\"}").body()
                    .path("error").path("message").asText()).contains("maxRuntime");
            assertThat(http.post("/script/runs", "{}").body().path("error").path("message").asText())
                    .contains("scriptName");
            assertThat(http.post("/script/runs", "{\"scriptName\": \"s\", \"colour\": \"red\"}").body()
                    .path("error").path("message").asText()).contains("colour");
            assertThat(fake.reported).isEmpty();
        }

        @Test
        void aMessageIsCutAt8192CharactersAndABodyOver64KiBIs413() {
            assertOk(http.post("/script/runs/r1/failed", "{\"message\": \"" + "m".repeat(10_000) + "\"}"), 202);
            assertThat(fake.reported).singleElement().satisfies(event -> assertThat(event.message()).hasSize(8_192));
            assertThat(fake.written).singleElement().satisfies(event -> assertThat(event.path("message").asText())
                    .as("written to script-events as sent: the stream cuts it").hasSize(10_000));

            Response tooLarge = http.post("/script/runs/r1/failed", "{\"message\": \"" + "m".repeat(70_000) + "\"}");

            assertError(tooLarge, 413, "payload_too_large");
            assertThat(fake.reported).hasSize(1);
        }

        @Test
        void aBodyThatIsNotJsonInUtf8Is415() {
            Response text = http.send(http.request("/script/runs").header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"scriptName\": \"s\"}")));
            Response latin1 = http.send(http.request("/script/runs")
                    .header("Content-Type", "application/json; charset=ISO-8859-1")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"scriptName\": \"s\"}")));

            assertError(text, 415, "unsupported_media_type");
            assertError(latin1, 415, "unsupported_media_type");
            for (String noType : List.of(";", ";;", " ; charset=utf-8")) {
                assertError(http.send(http.request("/script/runs").header("Content-Type", noType)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"scriptName\": \"s\"}"))), 415, "unsupported_media_type");
            }
            assertThat(fake.reported).isEmpty();
        }

        @Test
        void theLocationOfAStartLeadsToTheRun() {
            String runId = "nightly backup/1+ü";
            Response started = http.post("/script/runs", "{\"scriptName\": \"backup\", \"runId\": \"" + runId + "\"}");
            fake.runs.put(runId, inProgress(runId, "backup", T0, T0.plus(Duration.ofDays(3))));

            Response run = http.get(started.headers().firstValue("Location").orElseThrow());

            assertOk(run, 200);
            assertThat(run.data().path("runId").asText()).isEqualTo(runId);
        }
    }

    @Nested
    class Logs {
        @Test
        void theFiltersAreHandedToTheServiceAsAQuery() {
            String cursor = cursor("run-9");
            Response response = http.get("/script/logs?scriptName=nightly%20backup&status=2&from=2025-11-01T00:00:00Z"
                    + "&to=" + T0.toEpochMilli() + "&limit=10&cursor=" + cursor);

            assertOk(response, 200);
            assertThat(fake.logQueries).containsExactly(new LogsQuery("nightly backup", RunStatus.IN_PROGRESS,
                    Instant.parse("2025-11-01T00:00:00Z"), T0, 10, cursor));
        }

        @Test
        void withoutFiltersTheQueryAsksTheFirst100() {
            assertOk(http.get("/script/logs"), 200);
            assertOk(http.get("/script/logs?status=0&limit=1000"), 200);
            assertOk(http.get("/script/logs?status=-1&limit=1&from=2025-11-20T10:30:00Z&to=2025-11-20T10:30:00Z"), 200);

            assertThat(fake.logQueries).containsExactly(
                    new LogsQuery(null, null, null, null, 100, null),
                    new LogsQuery(null, RunStatus.SUCCESS, null, null, 1000, null),
                    new LogsQuery(null, RunStatus.FAILED, T0, T0, 1, null));
        }

        @Test
        void aPageListsTheRunsTheServiceAnswersWithTheirStatusCodes() {
            fake.runs.put("a", run("a", "backup", RunStatus.SUCCESS, null, T0, null));
            fake.runs.put("b", inProgress("b", "backup", T0.plusSeconds(10), T0.plus(Duration.ofDays(3))));
            fake.runs.put("c", run("c", "import", RunStatus.FAILED, FailureReason.ERROR, T0.plusSeconds(20), null));

            JsonNode page = http.get("/script/logs?scriptName=backup").data();
            assertShape(page, "LogsPage");
            page.path("logs").forEach(run -> assertShape(run, "RunRecord"));

            assertThat(page.path("logs")).extracting(run -> run.path("runId").asText()).containsExactly("b", "a");
            assertThat(page.path("logs")).extracting(run -> run.path("status").isInt() ? run.path("status").asInt() : null)
                    .containsExactly(2, 0);
            assertThat(page.has("nextCursor")).isTrue();
            assertThat(page.path("nextCursor").isNull()).isTrue();
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
                "status=3                                      | invalid_status",
                "status=in-progress                            | invalid_status",
                "status=-0                                     | invalid_status",
                "status=%2B2                                   | invalid_status",
                "status=002                                    | invalid_status",
                "limit=0                                       | invalid_limit",
                "limit=1001                                    | invalid_limit",
                "limit=ten                                     | invalid_limit",
                "from=2025-11-21T00:00:00Z&to=2025-11-20T00:00:00Z | invalid_from",
                "from=yesterday                                | invalid_from",
                "to=10000-01-01T00:00:00Z                      | invalid_to",
                "cursor=not-a-cursor                           | invalid_cursor",
                "cursor=                                       | invalid_cursor",
                "cursor=djE6MTIz                               | invalid_cursor",
                "scriptName=                                   | invalid_scriptName",
                "scriptName=%01                                | invalid_scriptName",
        })
        void aBadParameterIs400WithItsFieldsCodeAndNoQuery(String query, String code) {
            assertError(http.get("/script/logs?" + query), 400, code);
            assertThat(fake.logQueries).isEmpty();
        }

        @Test
        void aMalformedEscapeInTheQueryIs400() {
            Response response = http.raw("GET", "/script/logs?scriptName=%zz",
                    Map.of("Host", "127.0.0.1:" + server.port()));

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.errorCode()).isEqualTo("invalid_query");
            assertThat(fake.logQueries).isEmpty();
        }

        @Test
        void oneRunHasItsStatusAsANumberAndWhyItFailed() {
            Instant start = Instant.parse("2026-11-24T10:30:00Z");
            fake.runs.put("timed-out", new RunRecord("timed-out", "synchroFacture", RunStatus.FAILED, start,
                    Instant.parse("2026-11-28T02:00:00.412Z"), "Script marked as failed - exceeded 3 day timeout",
                    FailureReason.TIMEOUT, start.plus(Duration.ofDays(3)), null,
                    new LateCompletion(RunStatus.SUCCESS, Instant.parse("2026-11-28T03:00:00Z"), "done at last"), null, null));
            fake.runs.put("errored", run("errored", "s", RunStatus.FAILED, FailureReason.ERROR, start, null));
            fake.runs.put("ok", run("ok", "s", RunStatus.SUCCESS, null, start, null));
            fake.runs.put("live", new RunRecord("live", "s", RunStatus.IN_PROGRESS, start, null, null, null,
                    start.plus(Duration.ofHours(6)), start.plusSeconds(5), null, Duration.ofHours(6), null));

            JsonNode timedOut = http.get("/script/logs/timed-out").data();
            assertThat(timedOut.path("runId").asText()).isEqualTo("timed-out");
            assertThat(timedOut.path("scriptName").asText()).isEqualTo("synchroFacture");
            assertThat(timedOut.path("status").isInt()).isTrue();
            assertThat(timedOut.path("status").asInt()).isEqualTo(-1);
            assertThat(timedOut.path("failureReason").asText()).isEqualTo("timeout");
            assertThat(timedOut.path("startTime").asText()).isEqualTo("2026-11-24T10:30:00.000Z");
            assertThat(timedOut.path("endTime").asText()).isEqualTo("2026-11-28T02:00:00.412Z");
            assertThat(timedOut.path("deadline").asText()).isEqualTo("2026-11-27T10:30:00.000Z");
            assertThat(timedOut.path("message").asText()).isEqualTo("Script marked as failed - exceeded 3 day timeout");
            assertThat(timedOut.path("lateCompletion").path("status").asInt()).isEqualTo(0);
            assertThat(timedOut.path("lateCompletion").path("message").asText()).isEqualTo("done at last");
            assertThat(timedOut.path("maxRuntime").isNull()).isTrue();
            assertShape(timedOut, "RunRecord");
            assertShape(timedOut.path("lateCompletion"), "LateCompletion");

            JsonNode errored = http.get("/script/logs/errored").data();
            assertThat(errored.path("status").asInt()).isEqualTo(-1);
            assertThat(errored.path("failureReason").asText()).isEqualTo("error");

            JsonNode ok = http.get("/script/logs/ok").data();
            assertThat(ok.path("status").asInt()).isZero();
            assertThat(ok.path("failureReason").isNull()).isTrue();

            JsonNode live = http.get("/script/logs/live").data();
            assertThat(live.path("status").asInt()).isEqualTo(2);
            assertThat(live.path("endTime").isNull()).isTrue();
            assertThat(live.path("lastHeartbeat").asText()).isEqualTo("2026-11-24T10:30:05.000Z");
            assertThat(live.path("maxRuntime").asText()).isEqualTo("PT6H");
        }

        @Test
        void anUnknownRunIs404() {
            Response response = http.get("/script/logs/nope");

            assertError(response, 404, "not_found");
            assertThat(response.body().path("error").path("message").asText()).contains("nope");
        }

        @Test
        void aRunIdOfThePathIsDecodedAndBounded() {
            fake.runs.put("run 1+ü", run("run 1+ü", "s", RunStatus.SUCCESS, null, T0, null));

            assertThat(http.get("/script/logs/run%201+%C3%BC").data().path("runId").asText()).isEqualTo("run 1+ü");
            assertError(http.get("/script/logs/" + "r".repeat(257)), 400, "invalid_runId");
        }

        @Test
        void theDashboardListsScriptsByNameWithCountsTheLatestStatusAndTheAgeOfTheOldestRunInProgress() {
            Instant oldest = Instant.now().minus(Duration.ofHours(2));
            RunRecord latestAlpha = inProgress("alpha-7", "alpha", oldest.plusSeconds(600), oldest.plus(Duration.ofDays(3)));
            // keyed so that the service answers them out of order: the route sorts them
            fake.stats.put("1", new ScriptStats("zeta", 0, 1, 0,
                    run("zeta-1", "zeta", RunStatus.SUCCESS, null, T0, null), null, null));
            fake.stats.put("2", new ScriptStats("alpha", 2, 3, 1, latestAlpha, oldest, null));
            fake.stats.put("3", new ScriptStats("mid", 0, 0, 4,
                    run("mid-1", "mid", RunStatus.FAILED, FailureReason.TIMEOUT, T0, T0), null, null));
            fake.stats.put("4", ScriptStats.empty("beta"));

            Instant before = Instant.now();
            Response response = http.get("/script/dashboard-view");
            Instant after = Instant.now();

            assertOk(response, 200);
            assertShape(response.data(), "Dashboard");
            JsonNode scripts = response.data().path("scripts");
            scripts.forEach(script -> {
                assertShape(script, "DashboardScript");
                assertShape(script.path("counts"), "DashboardCounts");
                if (!script.path("latestRun").isNull()) {
                    assertShape(script.path("latestRun"), "DashboardRun");
                }
            });
            assertThat(scripts).extracting(s -> s.path("scriptName").asText()).containsExactly("alpha", "beta", "mid", "zeta");

            JsonNode alpha = scripts.get(0);
            assertThat(alpha.path("status").isInt()).isTrue();
            assertThat(alpha.path("status").asInt()).isEqualTo(2);
            assertThat(alpha.path("latestRun").path("runId").asText()).isEqualTo("alpha-7");
            assertThat(alpha.path("latestRun").path("status").asInt()).isEqualTo(2);
            assertThat(alpha.path("latestRun").path("deadline").isTextual()).isTrue();
            assertThat(alpha.path("counts").path("inProgress").asLong()).isEqualTo(2);
            assertThat(alpha.path("counts").path("success").asLong()).isEqualTo(3);
            assertThat(alpha.path("counts").path("failed").asLong()).isEqualTo(1);
            assertThat(alpha.path("counts").path("total").asLong()).isEqualTo(6);
            assertThat(Instant.parse(alpha.path("oldestInProgressStart").asText()))
                    .isEqualTo(oldest.truncatedTo(ChronoUnit.MILLIS));
            Duration age = Duration.parse(alpha.path("oldestInProgressAge").asText());
            assertThat(age).isBetween(Duration.between(oldest, before).minusSeconds(1), Duration.between(oldest, after));
            assertThat(age.getNano()).as("whole seconds").isZero();

            JsonNode beta = scripts.get(1);
            assertThat(beta.path("status").isNull()).isTrue();
            assertThat(beta.path("latestRun").isNull()).isTrue();
            assertThat(beta.path("counts").path("total").asLong()).isZero();

            JsonNode mid = scripts.get(2);
            assertThat(mid.path("status").asInt()).isEqualTo(-1);
            assertThat(mid.path("counts").path("total").asLong()).isEqualTo(4);

            JsonNode zeta = scripts.get(3);
            assertThat(zeta.path("status").asInt()).isZero();
            assertThat(zeta.path("counts").path("total").asLong()).isEqualTo(1);
            assertThat(zeta.has("oldestInProgressAge")).isTrue();
            assertThat(zeta.path("oldestInProgressAge").isNull()).isTrue();
            assertThat(zeta.path("oldestInProgressStart").isNull()).isTrue();

            assertThat(Instant.parse(response.data().path("generatedAt").asText()))
                    .isBetween(before.truncatedTo(ChronoUnit.MILLIS), after);
        }
    }

    @Nested
    class Cleanup {
        private void dueRuns() {
            fake.runs.put("late-b", inProgress("late-b", "b-script", T0, NOW.minus(Duration.ofHours(1))));
            fake.runs.put("late-a", inProgress("late-a", "a-script", T0, NOW.minus(Duration.ofHours(5))));
            fake.runs.put("due-now", inProgress("due-now", "a-script", T0, NOW));
            fake.runs.put("not-yet", inProgress("not-yet", "c-script", T0, NOW.plusSeconds(1)));
            fake.runs.put("done", run("done", "d-script", RunStatus.SUCCESS, null, T0, NOW.minus(Duration.ofDays(1))));
        }

        @Test
        void aDryRunSaysWhatASweepWouldFailAndChangesNothing() {
            dueRuns();

            Response response = http.post("/script/cleanup-stale?dryRun=true", null);

            assertOk(response, 200);
            JsonNode data = response.data();
            assertShape(data, "SweepDryRun");
            assertThat(data.path("dryRun").asBoolean()).isTrue();
            assertThat(data.path("asOf").asText()).isEqualTo("2026-11-30T12:00:00.000Z");
            assertThat(data.path("thresholdDate").asText()).as("asOf − 3 days").isEqualTo("2026-11-27T12:00:00.000Z");
            assertThat(data.path("totalLogsUpdated").asInt()).isEqualTo(3);
            assertThat(data.path("scriptsAffected").asInt()).isEqualTo(2);
            assertThat(texts(data.path("scriptNames"))).containsExactly("a-script", "b-script");
            assertThat(data.path("runs")).extracting(run -> run.path("runId").asText())
                    .containsExactly("late-a", "late-b", "due-now");
            assertThat(data.path("runs").get(0).path("status").asInt()).isEqualTo(2);
            assertThat(fake.previewLimits).containsExactly(100);
            assertThat(fake.sweepsRequested).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"dryRun=1", "dryRun", "dryRun=&limit=1", "dryRun=true&limit=1&timeout=PT1S"})
        void aDryRunListsAtMostLimitRunsButCountsThemAll(String query) {
            dueRuns();

            JsonNode data = http.post("/script/cleanup-stale?" + query, null).data();

            assertThat(data.path("dryRun").asBoolean()).isTrue();
            assertThat(data.path("totalLogsUpdated").asInt()).isEqualTo(3);
            assertThat(data.path("runs").size()).isEqualTo(query.contains("limit=1") ? 1 : 3);
            assertThat(fake.previewLimits).containsExactly(query.contains("limit=1") ? 1 : 100);
            assertThat(fake.sweepsRequested).isEmpty();
            assertThat(fake.sweepWaits).isEmpty();
        }

        @Test
        void aSweepWhoseResultIsThereAnswersIt() {
            SweepResult result = new SweepResult("sweep-1", Trigger.MANUAL, null, NOW,
                    NOW.minus(Duration.ofDays(3)), 3, 2, List.of("a-script", "b-script"), 6, 9,
                    NOW.plusMillis(250), false);
            fake.sweeps.put("sweep-1", new SweepProgress(new SweepRequest("sweep-1", Trigger.MANUAL, NOW, null), 6,
                    Map.of(), result));

            Response response = http.post("/script/cleanup-stale?dryRun=false&timeout=PT2S", null);

            assertOk(response, 200);
            JsonNode data = response.data();
            assertShape(data, "SweepResult");
            assertThat(data.path("sweepId").asText()).isEqualTo("sweep-1");
            assertThat(data.path("trigger").asText()).isEqualTo("manual");
            assertThat(data.path("totalLogsUpdated").asInt()).isEqualTo(3);
            assertThat(data.path("scriptsAffected").asInt()).isEqualTo(2);
            assertThat(texts(data.path("scriptNames"))).containsExactly("a-script", "b-script");
            assertThat(data.path("thresholdDate").asText()).isEqualTo("2026-11-27T12:00:00.000Z");
            assertThat(data.path("partitions").asInt()).isEqualTo(6);
            assertThat(data.has("dryRun")).isFalse();
            assertThat(response.headers().firstValue("Location")).isEmpty();
            assertThat(fake.sweepsRequested).containsExactly("sweep-1");
            assertThat(fake.sweepWaits).as("the wait asked for").containsExactly(Duration.ofSeconds(2));
        }

        @Test
        void aSweepThatOutlastsTheWaitIs202WithWhereToPollIt() {
            fake.nextSweepId = "sweep-42";

            Response response = http.post("/script/cleanup-stale", null);

            assertOk(response, 202);
            assertThat(response.headers().firstValue("Location")).hasValue("/script/cleanup-stale/sweep-42");
            JsonNode data = response.data();
            assertShape(data, "SweepPending");
            assertThat(data.path("sweepId").asText()).isEqualTo("sweep-42");
            assertThat(data.path("status").asText()).isEqualTo("running");
            assertThat(data.path("resultUrl").asText()).isEqualTo("/script/cleanup-stale/sweep-42");
            assertThat(data.path("partsReported").asInt()).isZero();
            assertThat(data.path("partitions").asInt()).isZero();
            assertThat(fake.sweepsRequested).containsExactly("sweep-42");
            assertThat(fake.sweepWaits).as("30 seconds by default").containsExactly(Duration.ofSeconds(30));
        }

        @Test
        void pollingASweepIs202WhileItRunsAnd200WithItsResultOnceComplete() {
            SweepRequest request = new SweepRequest("sweep-7", Trigger.MANUAL, NOW, null);
            TreeMap<Integer, SweepPart> parts = new TreeMap<>(Map.of(0, SweepPart.none("sweep-7", 0),
                    3, new SweepPart("sweep-7", 3, 1, List.of("a-script"), 4, false)));
            fake.sweeps.put("sweep-7", new SweepProgress(request, 6, parts, null));

            Response running = http.get("/script/cleanup-stale/sweep-7");

            assertOk(running, 202);
            assertShape(running.data(), "SweepPending");
            assertThat(running.headers().firstValue("Location")).hasValue("/script/cleanup-stale/sweep-7");
            assertThat(running.data().path("status").asText()).isEqualTo("running");
            assertThat(running.data().path("partsReported").asInt()).isEqualTo(2);
            assertThat(running.data().path("partitions").asInt()).isEqualTo(6);
            assertThat(running.data().path("resultUrl").asText()).isEqualTo("/script/cleanup-stale/sweep-7");

            SweepResult result = new SweepResult("sweep-7", Trigger.MANUAL, null, NOW, NOW.minus(Duration.ofDays(3)),
                    1, 1, List.of("a-script"), 6, 4, NOW.plusSeconds(1), false);
            fake.sweeps.put("sweep-7", new SweepProgress(request, 6, parts, result));

            Response done = http.get("/script/cleanup-stale/sweep-7");

            assertOk(done, 200);
            assertShape(done.data(), "SweepResult");
            assertThat(done.data().path("sweepId").asText()).isEqualTo("sweep-7");
            assertThat(done.data().path("totalLogsUpdated").asInt()).isEqualTo(1);
            assertThat(done.data().path("completedAt").asText()).isEqualTo("2026-11-30T12:00:01.000Z");
        }

        @Test
        void anUnknownSweepIs404() {
            Response response = http.get("/script/cleanup-stale/no-such-sweep");

            assertError(response, 404, "not_found");
            assertThat(response.body().path("error").path("message").asText()).contains("no-such-sweep");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "timeout=PT0S        | invalid_timeout",
                "timeout=-PT1S       | invalid_timeout",
                "timeout=PT5M1S      | invalid_timeout",
                "timeout=soon        | invalid_timeout",
                "timeout=30          | invalid_timeout",
                "dryRun=maybe        | invalid_dryRun",
                "dryRun=true&limit=0 | invalid_limit",
                "dryRun=true&limit=1001 | invalid_limit",
        })
        void aBadParameterIs400AndRequestsNoSweep(String query, String code) {
            assertError(http.post("/script/cleanup-stale?" + query, null), 400, code);
            assertThat(fake.sweepsRequested).isEmpty();
            assertThat(fake.previewLimits).isEmpty();
        }

        @Test
        void theLongestWaitIsFiveMinutes() {
            assertOk(http.post("/script/cleanup-stale?timeout=PT5M", null), 202);
            assertOk(http.post("/script/cleanup-stale?timeout=PT0.5S", null), 202);

            assertThat(fake.sweepWaits).containsExactly(Duration.ofMinutes(5), Duration.ofMillis(500));
        }
    }

    @Nested
    class Cron {
        @Test
        void seedingWritesTheMissingDefaultsAndListsEveryJobWithItsNextRun() {
            assertThat(http.get("/cron-config").data().path("jobs").isEmpty()).isTrue();

            Response seeded = http.post("/cron-config/seed", null);

            assertOk(seeded, 200);
            assertShape(seeded.data(), "CronSeeded");
            assertThat(texts(seeded.data().path("seeded"))).containsExactly(CronJob.DAILY_CLEANUP);
            JsonNode job = seeded.data().path("jobs").get(0);
            assertShape(job, "CronJobView");
            assertThat(job.path("name").asText()).isEqualTo(CronJob.DAILY_CLEANUP);
            assertThat(job.path("schedule").asText()).isEqualTo("0 2 * * *");
            assertThat(job.path("enabled").asBoolean()).isTrue();
            assertThat(job.path("timezone").asText()).isEqualTo("UTC");
            assertThat(job.path("nextRun").asText()).isEqualTo("2026-12-01T02:00:00.000Z");

            assertThat(http.post("/cron-config/seed", null).data().path("seeded").isEmpty())
                    .as("the job exists: nothing to seed").isTrue();
            assertThat(texts(http.post("/cron-config/seed?overwrite=true", null).data().path("seeded")))
                    .containsExactly(CronJob.DAILY_CLEANUP);
            assertError(http.post("/cron-config/seed?overwrite=perhaps", null), 400, "invalid_overwrite");

            assertShape(http.get("/cron-config").data(), "CronJobs");
            JsonNode listed = http.get("/cron-config").data().path("jobs");
            assertThat(listed).extracting(j -> j.path("name").asText()).containsExactly(CronJob.DAILY_CLEANUP);
            JsonNode reloaded = http.post("/cron-config/reload", null).data().path("jobs");
            assertThat(reloaded).isEqualTo(listed);
            JsonNode one = http.get("/cron-config/" + CronJob.DAILY_CLEANUP).data();
            assertThat(one).isEqualTo(listed.get(0));

            assertThat(http.put("/cron-config/" + CronJob.DAILY_CLEANUP, "{\"enabled\":false}").status()).isEqualTo(200);
            assertThat(http.get("/cron-config").data().path("jobs")).as("listed, disabled").hasSize(1);
            assertThat(http.post("/cron-config/reload", null).data().path("jobs")).as("a reload answers the active jobs")
                    .isEmpty();
        }

        @Test
        void anUnknownJobIs404() {
            assertError(http.get("/cron-config/nope"), 404, "not_found");
        }

        @Test
        void aPutCreatesAJobFromItsScheduleAndChangesOnlyTheFieldsGiven() {
            Response created = http.put("/cron-config/weekday-report", """
                    {"schedule": "30 3 * * 1-5", "timezone": "Europe/Paris", "description": "weekdays"}""");

            assertOk(created, 200);
            JsonNode job = created.data();
            assertShape(job, "CronJobView");
            assertThat(job.path("name").asText()).isEqualTo("weekday-report");
            assertThat(job.path("schedule").asText()).isEqualTo("30 3 * * 1-5");
            assertThat(job.path("enabled").asBoolean()).as("a new job is enabled").isTrue();
            assertThat(job.path("timezone").asText()).isEqualTo("Europe/Paris");
            assertThat(job.path("description").asText()).isEqualTo("weekdays");
            // Monday 2026-11-30 13:00 in Paris: next is Tuesday 03:30 Paris (UTC+1)
            assertThat(job.path("nextRun").asText()).isEqualTo("2026-12-01T02:30:00.000Z");
            assertThat(fake.jobs.get("weekday-report"))
                    .isEqualTo(new CronJob("weekday-report", "30 3 * * 1-5", true, "Europe/Paris", "weekdays"));

            Response disabled = http.put("/cron-config/weekday-report", "{\"enabled\": false}");

            assertOk(disabled, 200);
            assertThat(disabled.data().path("enabled").asBoolean()).isFalse();
            assertThat(disabled.data().has("nextRun")).isTrue();
            assertThat(disabled.data().path("nextRun").isNull()).as("no next run when disabled").isTrue();
            assertThat(disabled.data().path("schedule").asText()).isEqualTo("30 3 * * 1-5");
            assertThat(disabled.data().path("timezone").asText()).isEqualTo("Europe/Paris");
            assertThat(disabled.data().path("description").asText()).isEqualTo("weekdays");
            assertThat(http.get("/cron-config/weekday-report").data().path("nextRun").isNull()).isTrue();

            Response enabled = http.put("/cron-config/weekday-report", "{\"enabled\": true, \"schedule\": \"0 12 * * *\", "
                    + "\"timezone\": \"UTC\"}");

            assertThat(enabled.data().path("enabled").asBoolean()).isTrue();
            assertThat(enabled.data().path("nextRun").asText()).isEqualTo("2026-12-01T12:00:00.000Z");
        }

        @Test
        void anEmptyBodyChangesNothingOfAnExistingJob() {
            http.post("/cron-config/seed", null);

            Response response = http.put("/cron-config/" + CronJob.DAILY_CLEANUP, "");

            assertOk(response, 200);
            assertThat(fake.jobs.get(CronJob.DAILY_CLEANUP)).isEqualTo(CronJob.dailyCleanup());
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
                "create without a schedule | {\"enabled\": true, \"timezone\": \"UTC\"}      | invalid_schedule",
                "create with an empty body | {}                                              | invalid_schedule",
                "unknown timezone          | {\"schedule\": \"0 2 * * *\", \"timezone\": \"Mars/Olympus\"} | invalid_timezone",
                "never fires (30 Feb)      | {\"schedule\": \"0 0 30 2 *\"}                   | invalid_schedule",
                "not a cron expression     | {\"schedule\": \"every day\"}                    | invalid_schedule",
                "six fields                | {\"schedule\": \"0 0 2 * * *\"}                  | invalid_schedule",
                "blank schedule            | {\"schedule\": \" \"}                            | invalid_schedule",
                "schedule not a string     | {\"schedule\": 5}                                | invalid_schedule",
                "enabled a string          | {\"schedule\": \"0 2 * * *\", \"enabled\": \"yes\"} | invalid_enabled",
                "enabled null              | {\"schedule\": \"0 2 * * *\", \"enabled\": null} | invalid_enabled",
                "enabled a number          | {\"schedule\": \"0 2 * * *\", \"enabled\": 1}    | invalid_enabled",
                "timezone not a string     | {\"schedule\": \"0 2 * * *\", \"timezone\": 1}   | invalid_timezone",
                "body not an object        | [1]                                             | invalid_body",
        })
        void aBadJobIs400NamingTheFieldAndWritesNothing(String name, String body, String code) {
            assertError(http.put("/cron-config/new-job", body), 400, code);
            assertThat(fake.jobs).isEmpty();
        }

        @Test
        void aBadChangeOfAnExistingJobLeavesItAsItWas() {
            http.post("/cron-config/seed", null);

            assertError(http.put("/cron-config/" + CronJob.DAILY_CLEANUP, "{\"schedule\": \"0 0 30 2 *\"}"),
                    400, "invalid_schedule");
            assertError(http.put("/cron-config/" + CronJob.DAILY_CLEANUP, "{\"timezone\": \"Nowhere/Land\"}"),
                    400, "invalid_timezone");

            assertThat(fake.jobs.get(CronJob.DAILY_CLEANUP)).isEqualTo(CronJob.dailyCleanup());
        }

        @Test
        void aJobNameOver256CharactersIs400() {
            assertError(http.get("/cron-config/" + "j".repeat(257)), 400, "invalid_name");
            assertError(http.put("/cron-config/" + "j".repeat(257), "{\"schedule\": \"0 2 * * *\"}"), 400, "invalid_name");
            assertThat(fake.jobs).isEmpty();
        }

        /** The scheduler looks at every job every second: their number is bounded, not what each of them may become. */
        @Test
        void theThousandAndFirstJobIs409ButEveryOneOfTheThousandCanStillChange() {
            for (int i = 0; i < 1_000; i++) {
                assertOk(http.put("/cron-config/job-" + i, "{\"schedule\": \"" + i % 60 + " 3 * * *\"}"), 200);
            }

            Response refused = http.put("/cron-config/job-1000", "{\"schedule\": \"0 3 * * *\"}");

            assertError(refused, 409, "too_many_cron_jobs");
            assertThat(refused.body().path("error").path("message").asText()).contains("1000");
            assertThat(fake.jobs).hasSize(1_000).doesNotContainKey("job-1000");
            assertOk(http.put("/cron-config/job-7", "{\"schedule\": \"@hourly\", \"enabled\": false}"), 200);
            assertThat(fake.jobs.get("job-7").schedule()).isEqualTo("@hourly");
        }
    }

    @Nested
    class Policies {
        @Test
        void aScriptWithoutAPolicyGetsTheDefault() {
            Response response = http.get("/script/policies/backup");

            assertOk(response, 200);
            assertShape(response.data(), "Policy");
            assertThat(response.data().path("scriptName").asText()).isEqualTo("backup");
            assertThat(response.data().has("maxRuntime")).isTrue();
            assertThat(response.data().path("maxRuntime").isNull()).isTrue();
            assertThat(Duration.parse(response.data().path("effectiveMaxRuntime").asText())).isEqualTo(Duration.ofDays(3));
        }

        @Test
        void aPolicyIsSetReadAndRemoved() {
            Response set = http.put("/script/policies/nightly%20backup", "{\"maxRuntime\": \"PT6H\"}");

            assertOk(set, 200);
            assertShape(set.data(), "Policy");
            assertThat(set.data().path("scriptName").asText()).isEqualTo("nightly backup");
            assertThat(set.data().path("maxRuntime").asText()).isEqualTo("PT6H");
            assertThat(set.data().path("effectiveMaxRuntime").asText()).isEqualTo("PT6H");
            assertThat(fake.policies.get("nightly backup").maxRuntime()).isEqualTo(Duration.ofHours(6));
            assertThat(http.get("/script/policies/nightly%20backup").data()).isEqualTo(set.data());

            Response days = http.put("/script/policies/nightly%20backup", "{\"maxRuntime\": \"P1DT6H\"}");
            assertThat(days.data().path("maxRuntime").asText()).isEqualTo("P1DT6H");
            assertThat(fake.policies.get("nightly backup").maxRuntime()).isEqualTo(Duration.ofHours(30));

            Response removed = http.put("/script/policies/nightly%20backup", "{\"maxRuntime\": null}");

            assertOk(removed, 200);
            assertThat(removed.data().path("maxRuntime").isNull()).isTrue();
            assertThat(Duration.parse(removed.data().path("effectiveMaxRuntime").asText())).isEqualTo(Duration.ofDays(3));
            assertThat(fake.policies).isEmpty();
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
                "no maxRuntime             | {}                            | invalid_maxRuntime",
                "an empty body             |                               | invalid_maxRuntime",
                "beyond P3650D             | {\"maxRuntime\": \"P3651D\"}  | invalid_maxRuntime",
                "zero                      | {\"maxRuntime\": \"PT0S\"}    | invalid_maxRuntime",
                "negative                  | {\"maxRuntime\": \"-PT6H\"}   | invalid_maxRuntime",
                "not a duration            | {\"maxRuntime\": \"6 hours\"} | invalid_maxRuntime",
                "a number                  | {\"maxRuntime\": 21600}       | invalid_maxRuntime",
                "not JSON                  | maxRuntime=PT6H               | invalid_body",
        })
        void aBadPolicyIs400AndChangesNothing(String name, String body, String code) {
            ScriptPolicy before = new ScriptPolicy("backup", Duration.ofHours(1), null, null, null, false, null);
            fake.policies.put("backup", before);

            assertError(http.put("/script/policies/backup", body == null ? "" : body), 400, code);

            assertThat(fake.policies).containsExactly(Map.entry("backup", before));
        }
    }

    @Nested
    class Notifications {
        private static final String SECRET = "s3cret-signing-key";
        private static final String SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXX";
        private static final String ROUTING_KEY = "R0UT1NGK3Y";

        private Channel stored(String name, Channel channel) {
            Channel checked = ChannelRules.checked(name, channel.withCreatedAt(T0));
            fake.channels.put(name, checked);
            return checked;
        }

        private void storeOneOfEachType() {
            stored("ops-hook", new Channel(null, ChannelType.WEBHOOK, "https://hooks.example.com/x", SECRET, null, null,
                    List.of("backup*"), List.of(AlertKind.FAILED), null, null));
            stored("ops-slack", new Channel(null, ChannelType.SLACK, SLACK_URL, null, null, null, null, null, false, null));
            stored("pager", new Channel(null, ChannelType.PAGERDUTY, null, null, null, ROUTING_KEY, null, null, null, null));
            stored("inbox", new Channel(null, ChannelType.EMAIL, null, null, List.of("ops@example.com"), null, null, null, null, null));
        }

        private static DeliveryAttempt attempt(String channel, String script, int i, DeliveryOutcome.Outcome outcome) {
            return new DeliveryAttempt(channel, "failed:run-" + i, "failed", script, "run-" + i, null, null, 1, outcome,
                    outcome == DeliveryOutcome.Outcome.DELIVERED ? 200 : 503, "answer " + i, T0.plusSeconds(i % 7), null);
        }

        private void assertChannel(JsonNode channel) {
            assertShape(channel, "Channel");
            assertShape(channel.path("deliveries"), "DeliverySummary");
            if (!channel.path("deliveries").path("lastAttempt").isNull()) {
                assertShape(channel.path("deliveries").path("lastAttempt"), "LastAttempt");
            }
        }

        @Test
        void channelsAreListedByNameMaskedEachWithWhatItsDeliveriesSay() {
            storeOneOfEachType();
            fake.summaries.put("ops-hook", new DeliverySummary(T0, new DeliverySummary.LastAttempt(T0.plusSeconds(60),
                    DeliveryOutcome.Outcome.RETRY, null, "connection refused"), 0, 3));

            Response response = http.get("/notifications/channels");

            assertOk(response, 200);
            assertShape(response.data(), "ChannelList");
            JsonNode channels = response.data().path("channels");
            assertThat(channels).extracting(c -> c.path("name").asText()).containsExactly("inbox", "ops-hook", "ops-slack", "pager");
            channels.forEach(this::assertChannel);
            assertThat(response.text()).doesNotContain(SECRET, SLACK_URL, ROUTING_KEY);
            JsonNode hook = channels.get(1);
            assertThat(hook.path("secret").asText()).isEqualTo("********");
            assertThat(hook.path("url").asText()).as("a webhook's URL is shown").isEqualTo("https://hooks.example.com/x");
            assertThat(hook.path("createdAt").asText()).isEqualTo("2025-11-20T10:30:00.000Z");
            assertThat(hook.path("deliveries").path("lastDelivered").asText()).isEqualTo("2025-11-20T10:30:00.000Z");
            assertThat(hook.path("deliveries").path("lastAttempt").path("outcome").asText()).isEqualTo("retried");
            assertThat(hook.path("deliveries").path("lastAttempt").has("httpStatus")).isTrue();
            assertThat(hook.path("deliveries").path("retriedLast24h").asInt()).isEqualTo(3);
            assertThat(channels.get(2).path("url").asText()).isEqualTo("********");
            assertThat(channels.get(2).path("enabled").asBoolean(true)).isFalse();
            assertThat(channels.get(3).path("routingKey").asText()).isEqualTo("********");
            assertThat(channels.get(3).path("url").asText()).isEqualTo(ChannelRules.PAGERDUTY_EVENTS_URL);
            JsonNode inbox = channels.get(0);
            assertThat(inbox.has("url")).as("fields the type does not take are absent").isFalse();
            assertThat(texts(inbox.path("to"))).containsExactly("ops@example.com");
            assertThat(texts(inbox.path("kinds"))).containsExactly("failed", "timeout", "missed", "recovered");
            assertThat(inbox.path("deliveries").path("lastAttempt").isNull()).isTrue();
            assertThat(inbox.path("deliveries").path("lastDelivered").isNull()).isTrue();
        }

        @Test
        void oneChannelIsMaskedAndAnUnknownOneIs404() {
            storeOneOfEachType();

            Response slack = http.get("/notifications/channels/ops-slack");

            assertOk(slack, 200);
            assertChannel(slack.data());
            assertThat(slack.data().path("url").asText()).isEqualTo("********");
            assertThat(slack.text()).doesNotContain(SLACK_URL);
            assertError(http.get("/notifications/channels/nothing"), 404, "not_found");
            assertError(http.get("/notifications/channels/" + "c".repeat(257)), 400, "invalid_name");
        }

        @Test
        void aPutCreatesAChannelWithItsDefaultsNowAndAnswersItMasked() {
            Response response = http.put("/notifications/channels/ops%20hook", """
                    {"type": "webhook", "url": "https://hooks.example.com/x", "secret": "%s"}""".formatted(SECRET));

            assertOk(response, 200);
            assertChannel(response.data());
            assertThat(response.text()).doesNotContain(SECRET);
            assertThat(response.data().path("name").asText()).isEqualTo("ops hook");
            assertThat(response.data().path("secret").asText()).isEqualTo("********");
            assertThat(response.data().path("createdAt").asText()).isEqualTo("2026-11-30T12:00:00.000Z");
            assertThat(fake.channels.get("ops hook")).isEqualTo(new Channel("ops hook", ChannelType.WEBHOOK,
                    "https://hooks.example.com/x", SECRET, null, null, List.of("*"), List.of(AlertKind.values()), true, NOW));
            assertThat(http.get("/notifications/channels/ops%20hook").data()).isEqualTo(response.data());
        }

        @Test
        void aPutReplacesTheChannelAndTheMaskSentBackKeepsWhatIsStored() {
            storeOneOfEachType();
            Channel before = fake.channels.get("pager");

            // onto another URL a masked routing key is kept no more: a test would send the key itself there
            assertError(http.put("/notifications/channels/pager", """
                    {"type": "pagerduty", "url": "https://collector.example.com/x", "routingKey": "********"}"""),
                    400, "invalid_routingKey");
            assertThat(fake.channels.get("pager")).isEqualTo(before);

            JsonNode hook = http.put("/notifications/channels/ops-hook", """
                    {"name": "ops-hook", "type": "webhook", "url": "https://hooks.example.com/y", "secret": "********",
                     "kinds": ["missed"]}""").data();
            JsonNode slack = http.put("/notifications/channels/ops-slack", """
                    {"type": "slack", "url": "********", "scripts": ["nightly-*"]}""").data();

            assertThat(hook.path("url").asText()).isEqualTo("https://hooks.example.com/y");
            assertThat(hook.path("createdAt").asText()).as("kept").isEqualTo("2025-11-20T10:30:00.000Z");
            assertThat(fake.channels.get("ops-hook")).as("a receiver moved keeps its secret").isEqualTo(new Channel("ops-hook", ChannelType.WEBHOOK,
                    "https://hooks.example.com/y", SECRET, null, null, List.of("*"), List.of(AlertKind.MISSED), true, T0));
            assertThat(texts(slack.path("scripts"))).containsExactly("nightly-*");
            assertThat(fake.channels.get("ops-slack").url()).isEqualTo(SLACK_URL);
            assertThat(fake.channels.get("ops-slack").enabled()).as("a PUT replaces: enabled is back to its default").isTrue();

            http.put("/notifications/channels/ops-hook", "{\"type\": \"webhook\", \"url\": \"https://hooks.example.com/y\"}");
            assertThat(fake.channels.get("ops-hook").secret()).as("left out: removed").isNull();
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
                "no type              | {\"url\": \"https://h.example/x\"}                                              | invalid_type",
                "an unknown type      | {\"type\": \"teams\", \"url\": \"https://h.example/x\"}                         | invalid_type",
                "an unknown field     | {\"type\": \"webhook\", \"url\": \"https://h.example/x\", \"colour\": \"red\"}  | invalid_colour",
                "another name         | {\"name\": \"other\", \"type\": \"webhook\", \"url\": \"https://h.example/x\"}  | invalid_name",
                "a createdAt          | {\"type\": \"webhook\", \"url\": \"https://h.example/x\", \"createdAt\": \"2026-01-01T00:00:00Z\"} | invalid_createdAt",
                "a bad createdAt      | {\"type\": \"webhook\", \"url\": \"https://h.example/x\", \"createdAt\": \"noon\"} | invalid_createdAt",
                "its deliveries       | {\"type\": \"webhook\", \"url\": \"https://h.example/x\", \"deliveries\": {}}    | invalid_deliveries",
                "no url               | {\"type\": \"webhook\"}                                                         | invalid_url",
                "a url with a user    | {\"type\": \"webhook\", \"url\": \"https://u:p@h.example/x\"}                   | invalid_url",
                "a file url           | {\"type\": \"webhook\", \"url\": \"file:///etc/passwd\"}                        | invalid_url",
                "the mask, new        | {\"type\": \"webhook\", \"url\": \"https://h.example/x\", \"secret\": \"********\"} | invalid_secret",
                "a to on a webhook    | {\"type\": \"webhook\", \"url\": \"https://h.example/x\", \"to\": [\"a@b.example\"]} | invalid_to",
                "a bad address        | {\"type\": \"email\", \"to\": [\"not an address\"]}                              | invalid_to",
                "enabled as text      | {\"type\": \"webhook\", \"url\": \"https://h.example/x\", \"enabled\": \"false\"} | invalid_enabled",
                "an unknown kind      | {\"type\": \"webhook\", \"url\": \"https://h.example/x\", \"kinds\": [\"late\"]} | invalid_kinds",
                "no routing key       | {\"type\": \"pagerduty\"}                                                       | invalid_routingKey",
                "a field twice        | {\"type\": \"webhook\", \"type\": \"slack\", \"url\": \"https://h.example/x\"}  | invalid_body",
                "an array             | [1, 2]                                                                          | invalid_body",
                "not JSON             | type=webhook                                                                    | invalid_body",
                "an empty body        |                                                                                 | invalid_body",
        })
        void aBadChannelIs400NamingTheFieldAndChangesNothing(String name, String body, String code) {
            Response response = http.put("/notifications/channels/new-one", body == null ? "" : body);

            assertError(response, 400, code);
            assertThat(fake.channels).isEmpty();
        }

        /** A client's own field name is not echoed whole: one that is no plain name is invalid_field, quoted in the message. */
        @Test
        void anUnknownFieldWithALongOrControlledNameIs400InvalidFieldQuotingAtMost256CharactersOfIt() {
            for (String field : List.of("x".repeat(10_000), "a\u0000b", "", "名前")) {
                Response response = http.put("/notifications/channels/new-one", "{\"type\": \"webhook\", \"url\": \"https://h.example/x\", "
                        + io.runwarden.model.Json.string(field) + ": 1}");

                assertError(response, 400, "invalid_field");
                assertThat(response.body().path("error").path("message").asText()).hasSizeLessThan(400).doesNotContain("\u0000");
            }
            assertThat(fake.channels).isEmpty();
        }

        @Test
        void aBodyThatIsNotJsonIs415AndABadNameOfThePath400() {
            Response text = http.send(http.request("/notifications/channels/x").header("Content-Type", "text/plain")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"type\": \"webhook\", \"url\": \"https://h.example/x\"}")));

            assertError(text, 415, "unsupported_media_type");
            assertError(http.put("/notifications/channels/bad%01name", "{\"type\": \"slack\", \"url\": \"https://h.example/x\"}"),
                    400, "invalid_name");
            assertThat(fake.channels).isEmpty();
        }

        @Test
        void theHundredAndFirstChannelIs409ButEveryOneOfTheHundredCanStillChange() {
            String body = "{\"type\": \"webhook\", \"url\": \"https://hooks.example.com/x\"}";
            for (int i = 0; i < 100; i++) {
                assertOk(http.put("/notifications/channels/c" + i, body), 200);
            }

            Response refused = http.put("/notifications/channels/c100", body);

            assertError(refused, 409, "too_many_channels");
            assertThat(refused.body().path("error").path("message").asText()).contains("100");
            assertThat(fake.channels).hasSize(100).doesNotContainKey("c100");
            assertOk(http.put("/notifications/channels/c42", "{\"type\": \"slack\", \"url\": \"https://hooks.example.com/y\"}"), 200);
            assertOk(http.delete("/notifications/channels/c7"), 200);
            assertOk(http.put("/notifications/channels/c100", body), 200);
        }

        @Test
        void aDeleteRemovesTheChannelAndAnUnknownOneIs404() {
            storeOneOfEachType();

            Response deleted = http.delete("/notifications/channels/ops-hook");

            assertOk(deleted, 200);
            assertShape(deleted.data(), "ChannelDeleted");
            assertThat(deleted.data().path("deleted").asText()).isEqualTo("ops-hook");
            assertThat(fake.channels).doesNotContainKey("ops-hook").hasSize(3);
            assertError(http.delete("/notifications/channels/ops-hook"), 404, "not_found");
            assertError(http.get("/notifications/channels/ops-hook"), 404, "not_found");
        }

        @Test
        void aTestGoesToTheStoredChannelAndAFailedOneIsStillA200SayingHow() {
            storeOneOfEachType();
            fake.testOutcome = DeliveryOutcome.failed(404, "404 Not Found");

            Response failed = http.post("/notifications/channels/ops-hook/test", null);

            assertOk(failed, 200);
            assertShape(failed.data(), "ChannelTestResult");
            assertThat(failed.data().path("notificationId").asText()).startsWith("test:ops-hook:");
            assertThat(failed.data().path("outcome").asText()).isEqualTo("failed");
            assertThat(failed.data().path("httpStatus").asInt()).isEqualTo(404);
            assertThat(failed.data().path("detail").asText()).isEqualTo("404 Not Found");
            assertThat(fake.tested).singleElement().satisfies(channel -> assertThat(channel.secret()).isEqualTo(SECRET));

            fake.testOutcome = DeliveryOutcome.retry(null, "connection refused", null);
            Response retried = http.post("/notifications/channels/inbox/test", null);
            assertThat(retried.data().path("outcome").asText()).isEqualTo("retried");
            assertThat(retried.data().has("httpStatus")).isTrue();
            assertThat(retried.data().path("httpStatus").isNull()).isTrue();

            assertError(http.post("/notifications/channels/nothing/test", null), 404, "not_found");
            assertThat(http.get("/notifications/channels/ops-hook/test").status()).isEqualTo(405);
        }

        @Test
        void deliveriesComeNewestFirstInPagesWhoseCursorsLeadThroughEveryOneOnce() {
            for (int i = 0; i < 25; i++) {
                fake.attempts.add(attempt(i % 2 == 0 ? "ops" : "mail", i % 3 == 0 ? "backup" : "sync", i,
                        i % 4 == 0 ? DeliveryOutcome.Outcome.FAILED : DeliveryOutcome.Outcome.DELIVERED));
            }
            List<DeliveryAttempt> expected = fake.attempts.stream().filter(a -> a.channel().equals("ops"))
                    .sorted(DeliveryLog.NEWEST_FIRST).toList();

            List<String> paged = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                Response page = http.get("/notifications/deliveries?channel=ops&limit=5"
                        + (cursor == null ? "" : "&cursor=" + cursor));
                assertOk(page, 200);
                assertShape(page.data(), "DeliveryPage");
                page.data().path("deliveries").forEach(attempt -> {
                    assertShape(attempt, "DeliveryAttempt");
                    paged.add(attempt.path("notificationId").asText());
                });
                cursor = page.data().path("nextCursor").isNull() ? null : page.data().path("nextCursor").asText();
                pages++;
            } while (cursor != null && pages < 10);

            assertThat(paged).containsExactlyElementsOf(expected.stream().map(DeliveryAttempt::notificationId).toList());
            assertThat(pages).isEqualTo(3);
            assertThat(fake.deliveryQueries.get(0)).isEqualTo(new DeliveriesQuery("ops", null, 5, null));
            JsonNode first = http.get("/notifications/deliveries").data().path("deliveries");
            assertThat(first).hasSize(25);
            assertThat(first.get(0).path("time").asText()).isEqualTo("2025-11-20T10:30:06.000Z");
            assertThat(fake.deliveryQueries.get(fake.deliveryQueries.size() - 1).limit()).as("by default").isEqualTo(100);
            JsonNode backup = http.get("/notifications/deliveries?scriptName=backup").data().path("deliveries");
            assertThat(backup).hasSize(9).allSatisfy(a -> assertThat(a.path("scriptName").asText()).isEqualTo("backup"));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
                "limit=0                  | invalid_limit",
                "limit=1001               | invalid_limit",
                "limit=ten                | invalid_limit",
                "cursor=bm90IGEgY3Vyc29y  | invalid_cursor",
                "cursor=%25%25            | invalid_cursor",
                "channel=                 | invalid_channel",
                "scriptName=bad%01name    | invalid_scriptName",
        })
        void aBadDeliveriesParameterIs400NamingItAndAsksNothing(String query, String code) {
            assertError(http.get("/notifications/deliveries?" + query), 400, code);
            assertThat(fake.deliveryQueries).isEmpty();
        }

        @Test
        void alertsComeNewestFirstOfAScriptWhenAskedUpToTheLimit() {
            for (int i = 0; i < 60; i++) {
                fake.alerts.add(Alert.of(i % 2 == 0 ? AlertKind.FAILED : AlertKind.MISSED, i % 3 == 0 ? "backup" : "sync",
                        "run-" + i, T0.plusSeconds(i), "failed " + i, null, null));
            }

            Response all = http.get("/notifications/alerts");
            Response backup = http.get("/notifications/alerts?scriptName=backup&limit=3");

            assertOk(all, 200);
            assertShape(all.data(), "AlertList");
            assertThat(all.data().path("alerts")).hasSize(50).allSatisfy(alert -> assertShape(alert, "Alert"));
            assertThat(all.data().path("alerts").get(0).path("alertId").asText()).isEqualTo("missed:run-59");
            assertThat(backup.data().path("alerts")).extracting(a -> a.path("runId").asText())
                    .containsExactly("run-57", "run-54", "run-51");
            assertThat(fake.alertQueries).containsExactly(new FakeServices.AlertQuery(null, 50), new FakeServices.AlertQuery("backup", 3));
            assertError(http.get("/notifications/alerts?limit=501"), 400, "invalid_limit");
            assertError(http.get("/notifications/alerts?limit=0"), 400, "invalid_limit");
            assertError(http.get("/notifications/alerts?scriptName=" + "s".repeat(257)), 400, "invalid_scriptName");
            assertThat(fake.alertQueries).hasSize(2);
        }
    }

    @Nested
    class Internal {
        @Test
        void aPartitionBeyondTheTopicIs400() {
            fake.runs.put("run-1", run("run-1", "s", RunStatus.SUCCESS, null, T0, null));

            assertError(http.get("/internal/runs/run-1?partition=6"), 400, "invalid_partition");
            assertError(http.get("/internal/runs/run-1?partition=-1"), 400, "invalid_partition");
            assertError(http.get("/internal/sweeps/sweep-1?partition=6"), 400, "invalid_partition");
            assertThat(http.get("/internal/runs/run-1?partition=5").data().path("runId").asText()).isEqualTo("run-1");
            assertThat(http.get("/internal/runs/run-1").data().path("status").asInt()).isZero();
            assertError(http.get("/internal/runs/other?partition=5"), 404, "not_found");

            fake.eventPartitions = 3;
            assertError(http.get("/internal/runs/run-1?partition=3"), 400, "invalid_partition");
            assertOk(http.get("/internal/runs/run-1?partition=2"), 200);
        }

        @Test
        void theClusterListsTheInstances() {
            Response response = http.get("/internal/cluster");

            assertOk(response, 200);
            assertThat(response.data().isArray()).isTrue();
            assertThat(response.data()).singleElement().satisfies(instance -> {
                assertThat(instance.path("host").asText()).isEqualTo("127.0.0.1");
                assertThat(instance.path("port").asInt()).isEqualTo(8080);
                assertThat(instance.path("activePartitions")).extracting(JsonNode::asInt).containsExactly(0, 1, 2, 3, 4, 5);
                assertThat(instance.path("standbyPartitions").isEmpty()).isTrue();
            });
        }

        @Test
        void theLocalLogsTakeTheQueryOfThePublicRoute() {
            assertOk(http.get("/internal/logs?scriptName=backup&status=-1&limit=5"), 200);
            assertError(http.get("/internal/logs?limit=0"), 400, "invalid_limit");

            assertThat(fake.logQueries).containsExactly(new LogsQuery("backup", RunStatus.FAILED, null, null, 5, null));
        }

        @Test
        void theLocalDueRunsAndSweepsAndStats() {
            fake.runs.put("late", inProgress("late", "a-script", T0, NOW.minusSeconds(1)));
            fake.sweeps.put("sweep-1", SweepProgress.started(new SweepRequest("sweep-1", Trigger.MANUAL, NOW, null), 6));
            fake.stats.put("a-script", new ScriptStats("a-script", 1, 0, 0, null, T0, null));

            JsonNode due = http.get("/internal/due?asOf=2026-11-30T12:00:00Z&limit=10").data();
            assertThat(due.path("total").asInt()).isEqualTo(1);
            assertThat(texts(due.path("scriptNames"))).containsExactly("a-script");
            assertError(http.get("/internal/due?asOf=noon"), 400, "invalid_asOf");
            Instant before = Instant.now();
            assertOk(http.get("/internal/due"), 200);
            assertThat(fake.dueAsOf).hasSize(2);
            assertThat(fake.dueAsOf.get(0)).isEqualTo(NOW);
            assertThat(fake.dueAsOf.get(1)).as("now by default").isBetween(before, Instant.now());

            JsonNode sweep = http.get("/internal/sweeps/sweep-1?partition=0").data();
            assertThat(sweep.path("expectedParts").asInt()).isEqualTo(6);
            assertThat(sweep.path("result").isNull()).isTrue();
            assertError(http.get("/internal/sweeps/other?partition=0"), 404, "not_found");

            JsonNode stats = http.get("/internal/script-stats").data();
            assertThat(stats.path("a-script").path("inProgress").asLong()).isEqualTo(1);
        }
    }

    @Nested
    class Errors {
        private final List<String> reads = List.of("/script/logs", "/script/logs/run-1", "/script/dashboard-view",
                "/script/cleanup-stale/sweep-1", "/cron-config", "/cron-config/job", "/script/policies/backup",
                "/internal/cluster", "/internal/runs/run-1?partition=0", "/notifications/channels",
                "/notifications/channels/ops", "/notifications/deliveries", "/notifications/alerts");

        private List<Response> everyRoute() {
            List<Response> responses = new ArrayList<>();
            reads.forEach(path -> responses.add(http.get(path)));
            responses.add(http.post("/script/runs", "{\"scriptName\": \"s\"}"));
            responses.add(http.post("/script/runs/run-1/heartbeat", null));
            responses.add(http.post("/script/cleanup-stale", null));
            responses.add(http.post("/script/cleanup-stale?dryRun=true", null));
            responses.add(http.put("/cron-config/job", "{\"schedule\": \"0 2 * * *\"}"));
            responses.add(http.post("/cron-config/seed", null));
            responses.add(http.put("/script/policies/backup", "{\"maxRuntime\": \"PT6H\"}"));
            responses.add(http.put("/notifications/channels/ops", "{\"type\": \"slack\", \"url\": \"https://h.example/x\"}"));
            responses.add(http.delete("/notifications/channels/ops"));
            responses.add(http.post("/notifications/channels/ops/test", null));
            return responses;
        }

        @Test
        void aServiceThatIsUnavailableIs503WithRetryAfter() {
            fake.failWith(new Unavailable("Kafka did not take the write in time"));

            for (Response response : everyRoute()) {
                assertError(response, 503, "unavailable");
                assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
                assertThat(response.body().path("error").path("message").asText()).isEqualTo("Kafka did not take the write in time");
            }
            assertThat(fake.reported).isEmpty();
        }

        @Test
        void aStoreMovingBetweenInstancesIs503WithRetryAfter() {
            fake.failWith(new InvalidStateStoreException("store moved"));

            for (Response response : everyRoute()) {
                assertError(response, 503, "unavailable");
                assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
            }
        }

        @Test
        void anInvalidFieldTheServiceFindsIs400NamingIt() {
            fake.failWith(new InvalidFieldException("x", "is not acceptable"));

            for (Response response : everyRoute()) {
                assertError(response, 400, "invalid_x");
                assertThat(response.body().path("error").path("message").asText()).isEqualTo("x: is not acceptable");
            }
        }

        @Test
        void aBugBehindTheRoutesIs500WithoutItsDetails() {
            fake.failWith(new IllegalStateException("secret internals"));

            Response response = http.get("/script/logs");

            assertError(response, 500, "internal");
            assertThat(response.text()).doesNotContain("secret internals");
        }

        @Test
        void whileTheStreamsDoNotRunRoutesAre503ButHealthIsUp() {
            fake.running = false;

            for (Response response : everyRoute()) {
                assertError(response, 503, "unavailable");
                assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
            }
            assertThat(fake.reported).isEmpty();
            assertThat(fake.sweepsRequested).isEmpty();
            assertThat(fake.jobs).isEmpty();
            assertThat(fake.policies).isEmpty();
            assertThat(fake.logQueries).isEmpty();
            assertThat(fake.channels).isEmpty();
            assertThat(fake.deliveryQueries).isEmpty();
            Response health = http.get("/health");
            assertOk(health, 200);
            assertThat(health.data().path("status").asText()).isEqualTo("UP");
            assertError(http.get("/ready"), 503, "unavailable");

            fake.running = true;

            assertOk(http.get("/script/logs"), 200);
            assertThat(http.get("/ready").data().path("status").asText()).isEqualTo("READY");
        }

        @Test
        void whileIndexesAreRebuiltRoutesAnswerButReadyIs503() {
            fake.ready = false;

            assertOk(http.get("/script/logs"), 200);
            assertOk(http.post("/script/runs", "{\"scriptName\": \"s\"}"), 201);
            Response ready = http.get("/ready");
            assertError(ready, 503, "unavailable");
            assertThat(ready.headers().firstValue("Retry-After")).hasValue("5");
        }

        @Test
        void anUnknownRouteIs404AndAnotherMethodIs405InTheEnvelope() {
            assertError(http.get("/script/nothing-here"), 404, "not_found");
            assertError(http.put("/script/runs", "{}"), 405, "method_not_allowed");
            assertError(http.get("/script/runs/run-1/heartbeat"), 405, "method_not_allowed");
            assertThat(fake.reported).isEmpty();
        }

        @Test
        void withAnApiTokenOnLoopbackChangesNeedItAndReadsDoNotButAWrongTokenIsRefusedEverywhere() {
            fake.channels.put("kept", ChannelRules.checked("kept", new Channel(null, ChannelType.WEBHOOK,
                    "https://hooks.example.com/x", null, null, null, null, null, null, T0)));
            try (ApiServer guarded = ApiServer.start("127.0.0.1", 0, new Tokens(List.of("t0ken"), List.of(), List.of()), metrics.registry())) {
                guarded.serve(fake.services());
                HttpTestClient anonymous = new HttpTestClient(guarded.port(), null);
                HttpTestClient wrong = new HttpTestClient(guarded.port(), "not-the-t0ken");
                HttpTestClient owner = new HttpTestClient(guarded.port(), "t0ken");

                for (Response response : List.of(anonymous.get("/script/logs"), anonymous.post("/cron-config/reload", null),
                        anonymous.post("/script/cleanup-stale?dryRun=true", null))) {
                    assertOk(response, 200); // reads, open on loopback while no read token is set
                }
                for (HttpTestClient client : List.of(anonymous, wrong)) {
                    List<Response> refused = List.of(
                            client.post("/script/runs", "{\"scriptName\": \"s\"}"),
                            client.post("/script/runs/run-1/succeeded", null),
                            client.post("/script/cleanup-stale", null),
                            client.put("/cron-config/job", "{\"schedule\": \"0 2 * * *\"}"),
                            client.post("/cron-config/seed", null),
                            client.put("/script/policies/backup", "{\"maxRuntime\": \"PT6H\"}"),
                            client.put("/notifications/channels/ops", "{\"type\": \"slack\", \"url\": \"https://h.example/x\"}"),
                            client.delete("/notifications/channels/kept"),
                            client.post("/notifications/channels/kept/test", null));
                    for (Response response : refused) {
                        assertError(response, 401, "unauthorized");
                        assertThat(response.headers().firstValue("WWW-Authenticate")).get(InstanceOfAssertFactories.STRING)
                                .startsWith("Bearer realm=\"runwarden\"");
                    }
                }
                assertError(wrong.get("/script/logs"), 401, "unauthorized");
                assertThat(fake.reported).isEmpty();
                assertThat(fake.channels).containsOnlyKeys("kept");
                assertThat(fake.tested).isEmpty();
                assertThat(fake.sweepsRequested).isEmpty();
                assertThat(fake.jobs).isEmpty();
                assertThat(fake.policies).isEmpty();

                assertOk(owner.post("/script/runs", "{\"scriptName\": \"s\", \"runId\": \"r1\"}"), 201);
                assertOk(owner.put("/script/policies/backup", "{\"maxRuntime\": \"PT6H\"}"), 200);
                assertOk(owner.post("/notifications/channels/kept/test", null), 200);
                assertOk(owner.delete("/notifications/channels/kept"), 200);
                assertThat(fake.reported).extracting(LifecycleEvent::runId).containsExactly("r1");
                assertThat(fake.policies).containsKey("backup");
            }
        }
    }
}
