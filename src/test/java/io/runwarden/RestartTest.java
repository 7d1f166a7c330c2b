package io.runwarden;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.config.Settings;
import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.StoreNames;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.sweep.SweepResult;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.runwarden.ServiceEndToEndTest.embedded;
import static io.runwarden.ServiceEndToEndTest.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What survives a restart of the service and its embedded broker, and what makes a start refuse. */
@IntegrationTest
class RestartTest {
    private static final Instant NOW = Instant.now();

    @TempDir
    Path dataDir;

    @Test
    void runsSweepsCronJobsAndEveryReadSurviveARestartAndTheLossOfLocalState() throws Exception {
        Settings settings = embedded(dataDir);
        Map<String, JsonNode> before;
        try (RunwardenService service = RunwardenService.start(settings);
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
            kafka.send(Topics.SCRIPT_EVENTS, "stale", started("stale", "s", NOW.minus(Duration.ofDays(5))));
            kafka.send(Topics.SCRIPT_EVENTS, "running", started("running", "s", NOW.minus(Duration.ofDays(1))));
            for (int i = 0; i < 30; i++) {
                kafka.send(Topics.SCRIPT_EVENTS, "done-" + i, started("done-" + i, "script-" + i % 4, NOW.minus(Duration.ofHours(i))));
                kafka.send(Topics.SCRIPT_EVENTS, "done-" + i, "{\"event\":\"" + (i % 3 == 0 ? "failed" : "succeeded") + "\"}");
            }
            kafka.send(Topics.SCRIPT_EVENTS, "due-later", started("due-later", "script-1", NOW.minus(Duration.ofDays(4))));
            kafka.flush();
            await().atMost(Patience.APPLIED).until(() -> kafka.latestRuns().size(), n -> n == 33);
            assertThat(service.sweeps().sweep(Patience.SWEEP).totalLogsUpdated()).isEqualTo(2);
            kafka.send(Topics.SCRIPT_EVENTS, "late", started("late", "s", NOW.minus(Duration.ofDays(6))));
            kafka.flush();
            await().atMost(Patience.APPLIED).until(() -> kafka.latestRuns().containsKey("late"));
            before = reads(service);
        }

        try (RunwardenService service = RunwardenService.start(settings)) {
            assertThat(reads(service)).as("reads after a clean restart").isEqualTo(before);
        }

        // as on a new machine, or after a crash under exactly-once: the runs come back from their changelog
        deleteTree(dataDir.resolve("streams"));
        try (RunwardenService service = RunwardenService.start(settings);
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
            HttpTestClient http = new HttpTestClient(service.httpPort(), null);
            assertThat(answered(http, () -> http.get("/script/logs/stale")).path("status").asInt()).isEqualTo(RunStatus.FAILED.code());
            assertThat(answered(http, () -> http.get("/script/logs/running")).path("status").asInt())
                    .isEqualTo(RunStatus.IN_PROGRESS.code());
            assertThat(reads(service)).as("reads after the local state was rebuilt").isEqualTo(before);

            SweepResult again = service.sweeps().sweep(Patience.SWEEP);
            assertThat(again.totalLogsUpdated()).as("only the run that became due since").isEqualTo(1);
            await().atMost(Patience.APPLIED).untilAsserted(() -> assertThat(kafka.readAll(Topics.SCRIPT_RUN_FAILURES)).hasSize(3));
            assertThat(kafka.readAll(Topics.CRON_CONFIG)).as("the default job is seeded once").hasSize(1);
        }
    }

    /** What users read: the logs, one script's logs, the dashboard and what a sweep would fail now. */
    private static Map<String, JsonNode> reads(RunwardenService service) {
        HttpTestClient http = new HttpTestClient(service.httpPort(), null);
        Map<String, JsonNode> reads = new java.util.TreeMap<>();
        for (String path : List.of("/script/logs?limit=100", "/script/logs?scriptName=script-1&limit=100",
                "/script/logs?status=-1&limit=100", "/script/dashboard-view")) {
            reads.put(path, answered(http, () -> http.get(path)));
        }
        // the dashboard's clock-relative fields move between two reads; everything else must not
        JsonNode dashboard = reads.get("/script/dashboard-view");
        ((com.fasterxml.jackson.databind.node.ObjectNode) dashboard).remove("generatedAt");
        dashboard.path("scripts").forEach(s -> ((com.fasterxml.jackson.databind.node.ObjectNode) s).remove("oldestInProgressAge"));
        reads.put("due", answered(http, () -> http.post("/script/cleanup-stale?dryRun=true", "")).path("runs"));
        return reads;
    }

    /**
     * The data of a request's first 200. A 503 is asked again only while {@code /ready} says 503 too, as a rebalance
     * makes both say (a broker that has just started may still move the group once after ready); a read refused while
     * the service says it is ready, or any other answer, fails at once.
     */
    private static JsonNode answered(HttpTestClient http, Supplier<HttpTestClient.Response> request) {
        AtomicReference<HttpTestClient.Response> last = new AtomicReference<>();
        // the first request at once: a fixed poll interval alone would delay it by the interval too (Awaitility's
        // default poll delay), and a run of the first test asks for 17 answers
        await().atMost(Patience.APPLIED).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
            last.set(request.get());
            if (last.get().status() == 503 && http.get("/ready").status() == 200) {
                last.set(request.get()); // the rebalance may have ended between the two
                if (last.get().status() == 503) {
                    throw new IllegalStateException("a read was refused while /ready says ready: " + last.get().body());
                }
            }
            if (last.get().status() != 200 && last.get().status() != 503) {
                throw new IllegalStateException("answered " + last.get().status() + ": " + last.get().body());
            }
            return last.get().status() == 200;
        });
        return last.get().data();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Another process wrote a run to the runs' changelog while this instance kept the partition's indexes, and left
     * no generation behind (an earlier release in the middle of its own rebuild, in a rolling upgrade): the restart
     * restores that run, and its indexes are rebuilt, so a sweep fails it.
     */
    @Test
    void aRunAnotherWriterLeftInTheRunsChangelogIsIndexedAfterTheRestartAndSwept() throws Exception {
        Settings settings = embedded(dataDir);
        try (RunwardenService service = RunwardenService.start(settings);
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
            kafka.send(Topics.SCRIPT_EVENTS, "seen", started("seen", "s", NOW.minus(Duration.ofHours(1))));
            kafka.flush();
            await().atMost(Patience.APPLIED).until(() -> kafka.latestRuns().containsKey("seen"));
            RunRecord ghost = RunRecord.builder("other-writer").scriptName("s").status(RunStatus.IN_PROGRESS)
                    .startTime(NOW.minus(Duration.ofDays(5))).deadline(NOW.minus(Duration.ofDays(2))).build();
            kafka.send(StoreNames.changelog(settings.applicationId(), StoreNames.RUNS), ghost.runId(),
                    new String(Json.bytes(ghost), java.nio.charset.StandardCharsets.UTF_8));
            kafka.flush();
        }

        try (RunwardenService service = RunwardenService.start(settings)) {
            HttpTestClient http = new HttpTestClient(service.httpPort(), null);
            assertThat(answered(http, () -> http.get("/script/logs/other-writer")).path("status").asInt())
                    .isEqualTo(RunStatus.IN_PROGRESS.code());
            assertThat(answered(http, () -> http.get("/script/logs?status=2&limit=100")).path("logs").findValuesAsText("runId"))
                    .as("in the indexes too").contains("other-writer", "seen");
            assertThat(service.sweeps().sweep(Patience.SWEEP).totalLogsUpdated()).isEqualTo(1);
            assertThat(answered(http, () -> http.get("/script/logs/other-writer")).path("status").asInt())
                    .isEqualTo(RunStatus.FAILED.code());
        }
    }

    @Test
    void refusesToStartWhenScriptEventsPartitionsChangedUnderItsState() {
        Settings settings = embedded(dataDir);
        try (RunwardenService service = RunwardenService.start(settings);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, service.bootstrapServers()))) {
            admin.createPartitions(Map.of(Topics.SCRIPT_EVENTS, NewPartitions.increaseTo(8))).all().get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        assertThatThrownBy(() -> RunwardenService.start(settings))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("script-events has 8 partitions but runwarden-test-runs-changelog has 6");
    }

    @Test
    void mainStopsCleanlyOnSigterm() throws Exception {
        Path log = dataDir.resolve("main.log");
        ProcessBuilder builder = new ProcessBuilder(TestJvm.command("512m", Main.class))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("RUNWARDEN_DATA_DIR", dataDir.toString());
        builder.environment().put("RUNWARDEN_EMBEDDED_KAFKA_PORT", "0");
        builder.environment().put("RUNWARDEN_HTTP_PORT", "0");
        builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        Process process = builder.start();
        try {
            await().atMost(Patience.START).until(() -> Files.readString(log).contains("runwarden ready in"));
        } finally {
            process.destroy(); // SIGTERM
        }
        assertThat(process.waitFor(Patience.STOP.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(Files.readString(log)).contains("runwarden stopped");
        assertThat(process.exitValue()).isEqualTo(143);
    }
}
