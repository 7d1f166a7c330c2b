package io.runwarden.http;

import io.runwarden.model.Bounds;

import io.runwarden.TestSettings;
import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.IntegrationTest;
import io.runwarden.Patience;
import io.runwarden.RunwardenService;
import io.runwarden.http.HttpTestClient.Response;
import io.runwarden.kafka.TopicSpec;
import io.runwarden.kafka.Topics;
import io.runwarden.model.CronJob;
import io.runwarden.model.Json;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.zip.GZIPInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every route over real HTTP, against the service on a real embedded broker. */
@IntegrationTest
class ApiTest {
    private static final String TOKEN = "s3cret-token";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static RunwardenService service;
    private static HttpTestClient http;
    private static HttpTestClient anonymous;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("runwarden-api");
        service = RunwardenService.start(TestSettings.env("RUNWARDEN_DATA_DIR", dir.toString(),
                "RUNWARDEN_API_TOKEN", TOKEN, "RUNWARDEN_APPLICATION_ID", "runwarden-api-test"));
        http = new HttpTestClient(service.httpPort(), TOKEN);
        anonymous = new HttpTestClient(service.httpPort(), null);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void healthAndReadiness() {
        assertThat(http.get("/health").data().path("status").asText()).isEqualTo("UP");
        assertThat(http.get("/ready").status()).isEqualTo(200);
    }

    @Test
    void scriptReportsARunOverHttpFromStartToEnd() {
        Response started = http.post("/script/runs", "{\"scriptName\":\"curl-script\",\"message\":\"go\"}");
        assertThat(started.status()).isEqualTo(201);
        String runId = started.data().path("runId").asText();
        assertThat(started.headers().firstValue("Location")).hasValue("/script/logs/" + runId);

        assertThat(http.post("/script/runs/" + runId + "/heartbeat", null).status()).isEqualTo(202);
        String message = "42 rows \"ok\" \\ 😀 ,\"endRecorded\":\"2026-11-30T10:00:00.000Z\"}";
        assertThat(http.post("/script/runs/" + runId + "/succeeded", Json.string(Map.of("message", message))).status()).isEqualTo(202);

        await().atMost(Patience.APPLIED).untilAsserted(() -> {
            JsonNode run = http.get("/script/logs/" + runId).data();
            assertThat(run.path("status").asInt()).isEqualTo(0);
            assertThat(run.path("scriptName").asText()).isEqualTo("curl-script");
            assertThat(run.path("message").asText()).isEqualTo(message);
            assertThat(run.path("lastHeartbeat").isTextual()).isTrue();
        });
        // a page writes each run as the runs' store keeps it, less what only the store keeps
        Response page = http.get("/script/logs?scriptName=curl-script&status=0");
        assertThat(page.data().path("logs")).containsExactly(http.get("/script/logs/" + runId).data());
        assertThat(page.text()).doesNotContain("\"endRecorded\":").contains("😀");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no scriptName            | /script/runs               | {}                                          | invalid_event",
            "unknown field            | /script/runs               | {\"scriptName\":\"s\",\"colour\":\"red\"}   | invalid_colour",
            "bad time                 | /script/runs               | {\"scriptName\":\"s\",\"time\":\"noon\"}    | invalid_event",
            "bad maxRuntime           | /script/runs               | {\"scriptName\":\"s\",\"maxRuntime\":\"3d\"}| invalid_event",
            "blank runId              | /script/runs               | {\"scriptName\":\"s\",\"runId\":\" \"}      | invalid_runId",
            "runId differs from path  | /script/runs/a/failed      | {\"runId\":\"b\"}                           | invalid_runId",
            "body not an object       | /script/runs               | [1,2]                                       | invalid_body",
            "body not JSON            | /script/runs               | {oops                                       | invalid_body",
            "a field given twice      | /script/runs/a/succeeded   | {\"runId\":\"a\",\"runId\":\"b\"}        | invalid_body"})
    void badIngestBodiesAre400sNamingTheProblem(String name, String path, String body, String code) {
        Response response = http.post(path, body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo(code);
        assertThat(response.body().path("success").asBoolean()).isFalse();
    }

    @Test
    void wrongContentTypeIs415AndOversizedBodyIs413() {
        Response text = http.send(http.request("/script/runs").header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{\"scriptName\":\"s\"}")));
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.errorCode()).isEqualTo("unsupported_media_type");

        Response big = http.post("/script/runs", "{\"scriptName\":\"s\",\"message\":\"" + "x".repeat(100_000) + "\"}");
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.errorCode()).isEqualTo("payload_too_large");
    }

    @Test
    void logsComeNewestFirstInPagesThatTogetherHoldEveryRunOnce() {
        Instant base = NOW.minus(Duration.ofDays(30)); // a window no other test writes to
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String runId = "page-" + i;
            http.post("/script/runs", "{\"scriptName\":\"pager\",\"runId\":\"" + runId + "\",\"time\":\""
                    + base.minus(Duration.ofMinutes(i)) + "\"}");
            expected.add(runId);
        }
        for (int i = 0; i < 5; i++) {
            http.post("/script/runs/page-" + i + "/succeeded", null);
        }
        await().atMost(Patience.APPLIED).until(() ->
                http.get("/script/logs?scriptName=pager&status=0").data().path("logs").size() == 5);

        assertThat(pages("/script/logs?scriptName=pager&limit=10")).containsExactlyElementsOf(expected);
        String window = "&from=" + base.minus(Duration.ofMinutes(24)) + "&to=" + base;
        assertThat(pages("/script/logs?limit=7" + window)).containsExactlyElementsOf(expected);
        assertThat(pages("/script/logs?scriptName=pager&limit=3&status=2")).containsExactlyElementsOf(expected.subList(5, 25));
        assertThat(pages("/script/logs?scriptName=pager&from=" + base.minus(Duration.ofMinutes(2)))).containsExactly("page-0", "page-1", "page-2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "limit=0, invalid_limit", "limit=1001, invalid_limit", "limit=ten, invalid_limit",
            "status=1, invalid_status", "from=yesterday, invalid_from", "to=2026-13-01T00:00:00Z, invalid_to",
            "from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z, invalid_from", "cursor=not-a-cursor, invalid_cursor",
            "scriptName=, invalid_scriptName"})
    void badLogsParametersAre400sNamingTheParameter(String query, String code) {
        Response response = http.get("/script/logs?" + query);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo(code);
    }

    @Test
    void unknownRunIs404() {
        Response response = http.get("/script/logs/no-such-run");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.errorCode()).isEqualTo("not_found");
    }

    @Test
    void dashboardShowsEachScriptWithItsLatestRunCountsAndOldestOpenRun() {
        Instant oldest = NOW.minus(Duration.ofHours(5));
        http.post("/script/runs", "{\"scriptName\":\"dash\",\"runId\":\"dash-1\",\"time\":\"" + oldest + "\"}");
        http.post("/script/runs", "{\"scriptName\":\"dash\",\"runId\":\"dash-2\",\"time\":\"" + NOW.minus(Duration.ofHours(4)) + "\"}");
        http.post("/script/runs", "{\"scriptName\":\"dash\",\"runId\":\"dash-3\",\"time\":\"" + NOW.minus(Duration.ofHours(3)) + "\"}");
        http.post("/script/runs/dash-3/failed", "{\"message\":\"exit 2\"}");
        http.post("/script/runs", "{\"scriptName\":\"dash\",\"runId\":\"dash-4\",\"time\":\"" + NOW.minus(Duration.ofHours(2)) + "\"}");
        http.post("/script/runs/dash-4/succeeded", "{\"message\":\"fine\"}");

        await().atMost(Patience.APPLIED).untilAsserted(() -> {
            JsonNode dash = script(http.get("/script/dashboard-view").data(), "dash");
            assertThat(dash.path("counts").path("inProgress").asInt()).isEqualTo(2);
            assertThat(dash.path("counts").path("success").asInt()).isEqualTo(1);
            assertThat(dash.path("counts").path("failed").asInt()).isEqualTo(1);
            assertThat(dash.path("counts").path("total").asInt()).isEqualTo(4);
            assertThat(dash.path("latestRun").path("runId").asText()).isEqualTo("dash-4");
            assertThat(dash.path("status").asInt()).isEqualTo(0);
            assertThat(dash.path("oldestInProgressStart").asText()).isEqualTo(oldest.toString().replace("Z", ".000Z"));
            assertThat(Duration.parse(dash.path("oldestInProgressAge").asText())).isGreaterThanOrEqualTo(Duration.ofHours(5));
        });
    }

    /**
     * The dashboard is sent from a buffer outside the heap in one write to a client that asks for no encoding, and
     * through Javalin, compressed, to a browser that asks for gzip: the same view either way, whole at every read.
     */
    @Test
    void theDashboardIsTheSameViewPlainOrCompressedAndWholeAtEveryRead() throws Exception {
        http.post("/script/runs", "{\"scriptName\":\"dash-plain\",\"runId\":\"dash-plain-1\"}");
        await().atMost(Patience.APPLIED).until(() -> http.get("/script/dashboard-view").text().contains("dash-plain-1"));
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort()
                + "/script/dashboard-view")).header("Authorization", "Bearer " + TOKEN);
        await().atMost(Patience.APPLIED).untilAsserted(() -> {
            List<String> plain = new ArrayList<>();
            for (int read = 0; read < 3; read++) {
                HttpResponse<byte[]> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
                assertThat(answer.headers().firstValueAsLong("Content-Length")).hasValue(answer.body().length);
                assertThat(answer.headers().allValues("Vary")).containsExactly("Accept-Encoding");
                plain.add(scripts(answer.body()));
            }
            HttpResponse<byte[]> gzipped = client.send(request.header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(gzipped.headers().allValues("Vary")).as("a shared cache keeps the two apart").containsExactly("Accept-Encoding");
            byte[] unzipped;
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
                unzipped = in.readAllBytes();
            }
            assertThat(plain).as("a cached view read again and again, whole each time").containsOnly(scripts(unzipped));
            assertThat(plain.get(0)).contains("dash-plain-1");
        });
    }

    /** The scripts of a dashboard's bytes, without the instant it was generated at. */
    private static String scripts(byte[] dashboard) throws IOException {
        return Json.MAPPER.readTree(dashboard).path("data").path("scripts").toString();
    }

    @Test
    void cleanupAnswersTheOriginalShapeAndIsRecordedAsAnAuditRun() {
        http.post("/script/runs", "{\"scriptName\":\"stale-http\",\"runId\":\"stale-http-1\",\"time\":\"" + NOW.minus(Duration.ofDays(4)) + "\"}");
        await().atMost(Patience.APPLIED).until(() -> http.get("/script/logs/stale-http-1").status() == 200);

        Response dry = http.post("/script/cleanup-stale?dryRun=true", null);
        assertThat(dry.data().path("dryRun").asBoolean()).isTrue();
        assertThat(dry.data().path("runs").findValuesAsText("runId")).contains("stale-http-1");
        assertThat(http.get("/script/logs/stale-http-1").data().path("status").asInt()).isEqualTo(2);
        JsonNode firstOnly = http.post("/script/cleanup-stale?dryRun=true&limit=1", null).data();
        assertThat(firstOnly.path("runs").size()).isEqualTo(1);
        assertThat(firstOnly.path("totalLogsUpdated").asInt()).isEqualTo(dry.data().path("totalLogsUpdated").asInt());

        Response cleanup = http.post("/script/cleanup-stale?timeout=" + Patience.SWEEP, null);
        assertThat(cleanup.status()).isEqualTo(200);
        JsonNode data = cleanup.data();
        // read-your-writes: the sweep's own run is recorded as ended before the sweep answers, not a moment later
        JsonNode audit = http.get("/script/logs/" + data.path("sweepId").asText()).data();
        assertThat(audit.path("scriptName").asText()).isEqualTo("cleanupStaleScripts");
        assertThat(audit.path("status").asInt()).isEqualTo(0);
        assertThat(data.path("totalLogsUpdated").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(data.path("scriptsAffected").asInt()).isEqualTo(data.path("scriptNames").size());
        assertThat(data.path("scriptNames").findValuesAsText("")).isEmpty();
        assertThat(data.path("scriptNames").toString()).contains("\"stale-http\"");
        assertThat(Duration.between(Instant.parse(data.path("thresholdDate").asText()), Instant.parse(data.path("asOf").asText())))
                .isEqualTo(Duration.ofDays(3));
        JsonNode run = http.get("/script/logs/stale-http-1").data();
        assertThat(run.path("status").asInt()).isEqualTo(-1);
        assertThat(run.path("message").asText()).isEqualTo("Script marked as failed - exceeded 3 day timeout");

        String sweepId = data.path("sweepId").asText();
        assertThat(http.get("/script/cleanup-stale/" + sweepId).data().path("totalLogsUpdated").asInt())
                .isEqualTo(data.path("totalLogsUpdated").asInt());
        JsonNode audits = http.get("/script/logs?scriptName=cleanupStaleScripts").data().path("logs");
        assertThat(audits.findValuesAsText("runId")).contains(sweepId);
    }

    @Test
    void cleanupThatOutlastsTheWaitAnswers202WithWhereToFetchTheResult() {
        Response pending = http.post("/script/cleanup-stale?timeout=PT0.001S", null);

        assertThat(pending.status()).isEqualTo(202);
        String url = pending.data().path("resultUrl").asText();
        assertThat(url).isEqualTo("/script/cleanup-stale/" + pending.data().path("sweepId").asText());
        await().atMost(Patience.SWEEP).until(() -> http.get(url).status() == 200);
        assertThat(http.get(url).data().has("totalLogsUpdated")).isTrue();
    }

    @Test
    void cronJobsCanBeReadChangedSeededAndReloaded() {
        JsonNode daily = http.get("/cron-config/daily-cleanup-2am").data();
        assertThat(daily.path("schedule").asText()).isEqualTo("0 2 * * *");
        assertThat(daily.path("nextRun").asText()).endsWith("T02:00:00.000Z");

        Response bad = http.put("/cron-config/nightly", "{\"schedule\":\"0 25 * * *\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("invalid_schedule");
        assertThat(bad.body().path("error").path("message").asText()).contains("25");
        assertThat(http.get("/cron-config/nightly").status()).isEqualTo(404);

        Response created = http.put("/cron-config/nightly", "{\"schedule\":\"30 3 * * *\",\"timezone\":\"Europe/Paris\"}");
        assertThat(created.status()).isEqualTo(200);
        assertThat(http.get("/cron-config/nightly").data().path("timezone").asText()).isEqualTo("Europe/Paris");
        // a description is cut as a message is, on its way in: the PUT answers with what every instance reads back
        Response described = http.put("/cron-config/nightly", "{\"description\":\"" + "d".repeat(9_000) + "\"}");
        assertThat(described.status()).isEqualTo(200);
        assertThat(described.data().path("description").asText()).hasSize(Bounds.MAX_MESSAGE_CHARS);
        assertThat(http.get("/cron-config").data().path("jobs").findValuesAsText("name")).contains("nightly", "daily-cleanup-2am");

        http.put("/cron-config/daily-cleanup-2am", "{\"enabled\":false,\"schedule\":\"0 4 * * *\"}");
        assertThat(http.post("/cron-config/seed", null).data().path("seeded").size()).isZero();
        JsonNode disabled = http.get("/cron-config/daily-cleanup-2am").data();
        assertThat(disabled.path("enabled").asBoolean()).isFalse();
        assertThat(disabled.path("nextRun").isNull()).isTrue();

        assertThat(http.post("/cron-config/seed?overwrite=true", null).data().path("seeded").findValuesAsText("")).isEmpty();
        JsonNode reset = http.get("/cron-config/daily-cleanup-2am").data();
        assertThat(reset.path("schedule").asText()).isEqualTo("0 2 * * *");
        assertThat(reset.path("enabled").asBoolean()).isTrue();

        JsonNode reloaded = http.post("/cron-config/reload", null).data().path("jobs");
        assertThat(reloaded.findValuesAsText("name")).contains("daily-cleanup-2am", "nightly");
        reloaded.forEach(job -> assertThat(job.path("nextRun").isTextual()).isTrue());
    }

    /**
     * A record under the default job's name that no instance can use (not JSON here) is no job: seeding took it for
     * one, and the cluster went without its daily sweep, for good.
     */
    @Test
    void seedingWritesTheDefaultJobOverARecordNoInstanceCanUse() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                service.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.CRON_CONFIG, CronJob.DAILY_CLEANUP,
                    "{\"schedule\": [".getBytes(StandardCharsets.UTF_8))).get();
        }
        await().atMost(Patience.APPLIED).until(() -> http.get("/cron-config/" + CronJob.DAILY_CLEANUP).status() == 404);

        Response seeded = http.post("/cron-config/seed", null);

        assertThat(seeded.data().path("seeded").toString()).isEqualTo("[\"" + CronJob.DAILY_CLEANUP + "\"]");
        JsonNode job = http.get("/cron-config/" + CronJob.DAILY_CLEANUP).data();
        assertThat(job.path("schedule").asText()).isEqualTo("0 2 * * *");
        assertThat(job.path("nextRun").isTextual()).isTrue();
    }

    /** "A field left out is kept": two PUTs of one policy at once each keep the other's field, and both answer 200. */
    @Test
    void twoPutsOfOnePolicyAtOnceKeepEachOthersFields() throws Exception {
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 5; i++) {
                String path = "/script/policies/concurrent-" + i;
                Future<Response> runtime = both.submit(() -> http.put(path, "{\"maxRuntime\":\"PT6H\"}"));
                Future<Response> schedule = both.submit(() -> http.put(path, "{\"schedule\":\"0 3 * * *\"}"));
                assertThat(List.of(runtime.get().status(), schedule.get().status())).containsOnly(200);
                JsonNode policy = http.get(path).data();
                assertThat(policy.path("maxRuntime").asText()).as(path).isEqualTo("PT6H");
                assertThat(policy.path("schedule").asText()).as(path).isEqualTo("0 3 * * *");
            }
        } finally {
            both.shutdownNow();
        }
    }

    @Test
    void scriptPolicySetsTheDeadlineOfNewRunsUnlessTheRunSetsItsOwn() {
        assertThat(http.put("/script/policies/quick", "{\"maxRuntime\":\"PT6H\"}").status()).isEqualTo(200);
        assertThat(http.get("/script/policies/quick").data().path("maxRuntime").asText()).isEqualTo("PT6H");
        assertThat(http.get("/script/policies/other").data().path("effectiveMaxRuntime").asText()).isEqualTo("P3D");

        http.post("/script/runs", "{\"scriptName\":\"quick\",\"runId\":\"quick-1\",\"time\":\"" + NOW + "\"}");
        http.post("/script/runs", "{\"scriptName\":\"quick\",\"runId\":\"quick-2\",\"time\":\"" + NOW + "\",\"maxRuntime\":\"PT1H\"}");
        await().atMost(Patience.APPLIED).ignoreExceptions().untilAsserted(() -> {
            assertThat(Instant.parse(http.get("/script/logs/quick-1").data().path("deadline").asText())).isEqualTo(NOW.plus(Duration.ofHours(6)));
            assertThat(Instant.parse(http.get("/script/logs/quick-2").data().path("deadline").asText())).isEqualTo(NOW.plus(Duration.ofHours(1)));
        });

        Response bad = http.put("/script/policies/quick", "{\"maxRuntime\":\"six hours\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("invalid_maxRuntime");
        assertThat(http.put("/script/policies/quick", "{}").errorCode()).isEqualTo("invalid_maxRuntime");
        assertThat(http.put("/script/policies/quick", "{\"maxRuntime\":null}").data().path("maxRuntime").isNull()).isTrue();
    }

    @Test
    void mutatingRoutesNeedTheTokenAndReadsDoNot() {
        for (String path : List.of("/script/cleanup-stale", "/script/runs", "/cron-config/seed")) {
            Response response = anonymous.post(path, "{\"scriptName\":\"x\"}");
            assertThat(response.status()).as(path).isEqualTo(401);
            assertThat(response.errorCode()).isEqualTo("unauthorized");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"runwarden\"");
        }
        assertThat(anonymous.post("/cron-config/reload", null).status()).as("changes nothing: a read").isEqualTo(200);
        assertThat(anonymous.put("/cron-config/daily-cleanup-2am", "{\"enabled\":false}").status()).isEqualTo(401);
        assertThat(anonymous.put("/script/policies/x", "{\"maxRuntime\":\"PT1H\"}").status()).isEqualTo(401);
        Response wrong = anonymous.send(anonymous.request("/script/runs").header("Authorization", "Bearer nope")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"scriptName\":\"x\"}")));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(anonymous.get("/script/logs").status()).isEqualTo(200);
        assertThat(anonymous.get("/cron-config").status()).isEqualTo(200);
    }

    @Test
    void unknownRoutesAre404AndWrongMethodsAre405InTheEnvelope() {
        Response missing = http.get("/no/such/route");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("not_found");

        Response wrongMethod = http.send(http.request("/script/logs").DELETE());
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.errorCode()).isEqualTo("method_not_allowed");
        assertThat(wrongMethod.text()).doesNotContain("Exception", "at io.");
    }

    @Test
    void aWriteFromAPageElsewhereIs403WithTheTokenAndOneFromThisHostIsServed() {
        Response elsewhere = http.send(http.request("/script/runs").header("Authorization", "Bearer " + TOKEN)
                .header("Origin", "http://evil.example").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"scriptName\":\"origin\"}")));
        assertThat(elsewhere.status()).isEqualTo(403);
        assertThat(elsewhere.errorCode()).isEqualTo("forbidden_origin");

        Response here = http.send(http.request("/script/runs").header("Authorization", "Bearer " + TOKEN)
                .header("Origin", "http://127.0.0.1:" + service.httpPort()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"scriptName\":\"origin\"}")));
        assertThat(here.status()).isEqualTo(201);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"POST, /script/runs", "POST, /script/runs/charset-1/heartbeat", "PUT, /script/policies/charset",
            "PUT, /cron-config/charset", "POST, /script/cleanup-stale?dryRun=true", "POST, /cron-config/seed",
            "POST, /cron-config/reload", "GET, /script/logs?limit=1", "GET, /script/logs/charset-1",
            "GET, /internal/due?limit=1", "GET, /script/dashboard-view"})
    void aBodyInAnotherCharsetThanUtf8Is415AndNeverA500(String method, String path) {
        for (String charset : List.of("ebcdic", "latin1", "UTF-16", "\"\"", "x!y")) {
            Response response = http.send(http.request(path).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json; charset=" + charset)
                    .method(method, HttpRequest.BodyPublishers.ofString("{\"scriptName\":\"s\",\"maxRuntime\":\"PT1H\",\"schedule\":\"0 3 * * *\"}")));

            assertThat(response.status()).as(charset).isLessThan(500);
            assertThat(response.body().has("success")).isTrue();
            if (method.equals("PUT") || path.startsWith("/script/runs")) {
                assertThat(response.status()).as(charset).isEqualTo(415);
                assertThat(response.errorCode()).isEqualTo("unsupported_media_type");
                assertThat(response.body().path("error").path("message").asText()).contains("UTF-8");
            }
        }
    }

    @Test
    void aJsonBodyMayNameUtf8InAnyCase() {
        for (String type : List.of("application/json; charset=UTF-8", "application/json;charset=utf-8",
                "Application/JSON; Charset=\"Utf-8\"")) {
            Response response = http.send(http.request("/script/runs").header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString("{\"scriptName\":\"utf8\"}")));
            assertThat(response.status()).as(type).isEqualTo(201);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "/script/logs?from=99999999999999999, invalid_from", "/script/logs?to=-1, invalid_to",
            "/script/logs?from=253402300800000, invalid_from", "/script/logs?to=%2B10000-01-01T00:00:00Z, invalid_to",
            "/script/logs?from=1969-12-31T23:59:59Z, invalid_from", "/script/logs?to=-999999999-01-01T00:00:00Z, invalid_to",
            "/internal/due?asOf=9223372036854775807, invalid_asOf", "/internal/due?asOf=%2B1000000000-01-01T00:00:00Z, invalid_asOf",
            "/internal/logs?from=-9223372036854775808, invalid_from", "/script/logs?limit=99999999999999999999, invalid_limit",
"/script/logs?cursor=djE6YWJjZGVmZ2hpamtsbW5vcHFyczp4, invalid_cursor",
            "/internal/runs/x?partition=1000000, invalid_partition", "/internal/sweeps/x?partition=1000000, invalid_partition"})
    void valuesBeyondTheBoundsAre400sNamingTheField(String path, String code) {
        Response response = http.get(path);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo(code);
    }

    @Test
    void aMalformedPercentEscapeInTheQueryIs400() {
        Response response = http.raw("GET", "/script/logs?limit=%zz", Map.of("Host", "127.0.0.1"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("invalid_query");
    }

    @Test
    void aPartitionBeyondThoseOfScriptEventsIs400AndTheLastOneIsServed() {
        int partitions = TopicSpec.named(Topics.SCRIPT_EVENTS).partitions();

        for (String route : List.of("/internal/runs/x", "/internal/sweeps/x")) {
            Response beyond = http.get(route + "?partition=" + partitions);
            assertThat(beyond.status()).as(route).isEqualTo(400);
            assertThat(beyond.errorCode()).isEqualTo("invalid_partition");
            assertThat(http.get(route + "?partition=" + (partitions - 1)).status()).as(route).isIn(404, 503);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "GET  | /script/logs/%s                   | runId",
            "GET  | /script/logs?scriptName=%s        | scriptName",
            "GET  | /internal/logs?scriptName=%s      | scriptName",
            "GET  | /internal/runs/%s?partition=0     | runId",
            "POST | /script/runs/%s/heartbeat         | runId",
            "POST | /script/runs/%s/succeeded         | runId",
            "GET  | /script/policies/%s               | scriptName",
            "PUT  | /script/policies/%s               | scriptName",
            "GET  | /cron-config/%s                   | name",
            "PUT  | /cron-config/%s                   | name"})
    void idsBeyondTheBoundsInPathsAndQueriesAre400sNamingTheField(String method, String template, String field) {
        // Jetty itself refuses some control characters in a path (http_400); those it lets through are ours to refuse
        for (String bad : List.of("a%00b", "pager%00", "%01", "a%0Ab", "a%7Fb", "%C2%85", "x".repeat(257))) {
            Response response = http.send(http.request(String.format(template, bad)).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString("{\"maxRuntime\":\"PT1H\",\"schedule\":\"0 3 * * *\"}")));

            assertThat(response.status()).as(bad).isEqualTo(400);
            if (template.contains("?scriptName") || bad.length() > 256) {
                assertThat(response.errorCode()).as(bad).isEqualTo("invalid_" + field);
            } else {
                assertThat(response.errorCode()).as(bad).isIn("invalid_" + field, "http_400");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "lone surrogate runId  | /script/runs             | {\"scriptName\":\"s\",\"runId\":\"a\\ud800\"}      | runId",
            "NUL in runId          | /script/runs             | {\"scriptName\":\"s\",\"runId\":\"a\\u0000\"}      | runId",
            "newline in runId      | /script/runs             | {\"scriptName\":\"s\",\"runId\":\"a\\nb\"}         | runId",
            "lone low surrogate    | /script/runs             | {\"scriptName\":\"s\",\"runId\":\"\\udc00\"}       | runId",
            "NUL in scriptName     | /script/runs             | {\"scriptName\":\"s\\u0000\"}                        | scriptName",
            "surrogate scriptName  | /script/runs/r1/failed   | {\"scriptName\":\"\\ud800\"}                         | scriptName",
            "runId not a string    | /script/runs             | {\"scriptName\":\"s\",\"runId\":[1]}                 | runId"})
    void idsBeyondTheBoundsInBodiesAre400sNamingTheField(String name, String path, String body, String field) {
        Response response = http.post(path, body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("invalid_" + field);
    }

    @Test
    void longIdsInBodiesAre400sAndTheLongestAllowedIsAccepted() {
        String longest = "r".repeat(256);
        Response accepted = http.post("/script/runs", "{\"scriptName\":\"" + "s".repeat(256) + "\",\"runId\":\"" + longest + "\"}");
        assertThat(accepted.status()).isEqualTo(201);
        assertThat(accepted.headers().firstValue("Location")).hasValue("/script/logs/" + longest);

        Response tooLong = http.post("/script/runs", "{\"scriptName\":\"s\",\"runId\":\"" + "r".repeat(257) + "\"}");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.errorCode()).isEqualTo("invalid_runId");
    }

    @Test
    void aNulInTheScriptNameFilterDoesNotReachAnotherScriptsRuns() {
        http.post("/script/runs", "{\"scriptName\":\"nul-prefix\",\"runId\":\"nul-prefix-1\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> http.get("/script/logs/nul-prefix-1").status() == 200);

        Response response = http.get("/script/logs?scriptName=nul-prefix%00");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("invalid_scriptName");
    }

    @Test
    void aPolicyMaxRuntimeOutsideTheBoundsIs400() {
        for (String duration : List.of("PT0.5S", "P3651D", "-PT1H", "PT0S")) {
            Response response = http.put("/script/policies/bounded", "{\"maxRuntime\":\"" + duration + "\"}");
            assertThat(response.status()).as(duration).isEqualTo(400);
            assertThat(response.errorCode()).isEqualTo("invalid_maxRuntime");
        }
    }

    private static List<String> pages(String first) {
        List<String> runIds = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode data = http.get(first + (cursor == null ? "" : "&cursor=" + cursor)).data();
            data.path("logs").forEach(run -> runIds.add(run.path("runId").asText()));
            cursor = data.path("nextCursor").isNull() ? null : data.path("nextCursor").asText();
            assertThat(++pages).isLessThan(50);
        } while (cursor != null);
        return runIds;
    }

    private static JsonNode script(JsonNode dashboard, String name) {
        for (JsonNode script : dashboard.path("scripts")) {
            if (script.path("scriptName").asText().equals(name)) {
                return script;
            }
        }
        throw new AssertionError("no script " + name + " in " + dashboard);
    }
}
