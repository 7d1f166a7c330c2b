package io.runwarden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runwarden.config.Settings;
import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.EmbeddedKafka;
import io.runwarden.kafka.Topics;
import io.runwarden.model.RunStatus;
import io.runwarden.sweep.SweepResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.runwarden.ServiceEndToEndTest.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of one application on one broker, listening beyond loopback as a deployment does: each answers for the
 * whole cluster, asking the other on its internal routes with the API token they share, here in the middle of a
 * rotation (each presents a different token of the two both accept). A third instance that does not hold their token
 * can neither ask them nor be asked: every read that needs it answers 503, never a part of the runs. (That one
 * scheduler fires for the cluster is {@link FailoverTest}'s part, with three instances.)
 */
@IntegrationTest
class TwoInstancesTest {
    private static final String OLD = "cluster-token-old";
    private static final String NEW = "cluster-token-new";
    private static final String READ = "cluster-read-token";
    @TempDir
    Path dataDir;

    @Test
    void anyInstanceAnswersForTheWholeClusterAndSweepsCoverEveryInstance() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start(dataDir.resolve("broker"), 0);
             RunwardenService first = RunwardenService.start(instance(broker, "a", OLD + "," + NEW));
             RunwardenService second = RunwardenService.start(instance(broker, "b", NEW + "," + OLD));
             KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            Instant fourDaysAgo = Instant.now().minus(Duration.ofDays(4));
            for (int i = 0; i < 30; i++) {
                kafka.send(Topics.SCRIPT_EVENTS, "stale-" + i, started("stale-" + i, "script-" + (i % 3), fourDaysAgo));
            }
            kafka.flush();
            await().atMost(Patience.APPLIED).until(() -> kafka.latestRuns().keySet().stream().filter(k -> k.startsWith("stale-")).count() == 30);

            for (RunwardenService instance : List.of(first, second)) {
                JsonNode dry = new HttpTestClient(instance.httpPort(), READ).post("/script/cleanup-stale?dryRun=true&limit=1000", null).data();
                assertThat(dry.path("totalLogsUpdated").asInt()).as("dry run on every partition").isEqualTo(30);
                assertThat(dry.path("runs").size()).isEqualTo(30);
            }

            SweepResult fromSecond = second.sweeps().sweep(Patience.SWEEP);
            assertThat(fromSecond.totalLogsUpdated()).isEqualTo(30);
            assertThat(fromSecond.scriptNames()).containsExactly("script-0", "script-1", "script-2");
            assertThat(first.sweeps().sweep(Patience.SWEEP).totalLogsUpdated()).isZero();
            await().atMost(Patience.APPLIED).untilAsserted(
                    () -> assertThat(kafka.latestRuns().get("stale-7").status()).isEqualTo(RunStatus.FAILED));

            everyReadAnswersTheSameFromEitherInstance(first, second);
            HttpTestClient.Response swept = new HttpTestClient(second.httpPort(), NEW).post("/script/cleanup-stale?timeout=" + Patience.SWEEP, null);
            assertThat(swept.status()).isEqualTo(200);
            assertThat(swept.data().path("partitions").asInt()).isEqualTo(6);

            assertThat(kafka.readAll(Topics.CRON_CONFIG)).as("default job seeded once by two instances").hasSize(1);

            anInstanceWithoutTheTokenGetsNoAnswerAndGivesNone(broker, first);
        }
    }

    private void anInstanceWithoutTheTokenGetsNoAnswerAndGivesNone(EmbeddedKafka broker, RunwardenService first) {
        HttpTestClient reader = new HttpTestClient(first.httpPort(), READ);
        for (HttpTestClient caller : List.of(new HttpTestClient(first.httpPort(), null), reader,
                new HttpTestClient(first.httpPort(), "intruder-token"))) {
            assertThat(caller.get("/internal/logs?limit=10").status()).as("an internal route needs the API token").isIn(401, 403);
        }
        try (RunwardenService intruder = RunwardenService.start(instance(broker, "c", "intruder-token"))) {
            HttpTestClient own = new HttpTestClient(intruder.httpPort(), "intruder-token");
            // the intruder's joins may set off more than one rebalance: until they settle it answers 503 for that,
            // "rebalancing", or a store that moved as it was read
            AtomicReference<HttpTestClient.Response> last = new AtomicReference<>();
            await().atMost(Patience.APPLIED).until(() -> own.get("/internal/cluster").data().size() == 3
                    && !isMoving(last.updateAndGet(r -> own.get("/script/logs?limit=1000")).body().path("error")
                    .path("message").asText()));
            HttpTestClient.Response refused = last.get();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body().path("error").path("code").asText()).isEqualTo("unavailable");
            assertThat(refused.body().path("error").path("message").asText()).contains("answered 401");
            await().atMost(Patience.APPLIED).until(() -> reader.get("/script/logs?limit=1000").status() == 503);
        }
        await().atMost(Patience.APPLIED).until(() -> reader.get("/script/logs?limit=1000").status() == 200);
        assertThat(reader.get("/script/logs?limit=1000").data().path("logs").size()).isGreaterThanOrEqualTo(30);
    }

    private static boolean isMoving(String error) {
        return error.contains("rebalancing") || error.contains("moving between instances");
    }

    /** Logs pages, single runs, the dashboard and jobs: the same answer whichever instance is asked. */
    private static void everyReadAnswersTheSameFromEitherInstance(RunwardenService first, RunwardenService second) {
        HttpTestClient a = new HttpTestClient(first.httpPort(), READ);
        HttpTestClient b = new HttpTestClient(second.httpPort(), READ);
        JsonNode cluster = new HttpTestClient(first.httpPort(), OLD).get("/internal/cluster").data();
        assertThat(cluster).as("two instances").hasSize(2);
        cluster.forEach(instance -> assertThat(instance.path("activePartitions")).as("both instances own partitions").isNotEmpty());
        for (String path : List.of("/script/logs?limit=1000", "/script/logs?scriptName=script-1&limit=4",
                "/script/logs?status=-1&limit=7", "/cron-config")) {
            assertThat(a.get(path).data()).as(path).isEqualTo(b.get(path).data());
        }
        assertThat(a.get("/script/logs?limit=1000").data().path("logs").size()).isGreaterThanOrEqualTo(30);
        assertThat(withoutAges(a.get("/script/dashboard-view").data().path("scripts")))
                .isEqualTo(withoutAges(b.get("/script/dashboard-view").data().path("scripts")));
        for (int i = 0; i < 30; i++) {
            assertThat(a.get("/script/logs/stale-" + i).data()).isEqualTo(b.get("/script/logs/stale-" + i).data());
        }
        String cursor = a.get("/script/logs?limit=10").data().path("nextCursor").asText();
        assertThat(a.get("/script/logs?limit=10&cursor=" + cursor).data()).isEqualTo(b.get("/script/logs?limit=10&cursor=" + cursor).data());
    }

    /** Ages are measured at answer time, so two answers a moment apart differ there and only there. */
    private static JsonNode withoutAges(JsonNode scripts) {
        scripts.forEach(script -> ((ObjectNode) script).remove("oldestInProgressAge"));
        return scripts;
    }

    private Settings instance(EmbeddedKafka broker, String name, String apiTokens) {
        return TestSettings.env("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "RUNWARDEN_DATA_DIR", dataDir.resolve(name).toString(), "RUNWARDEN_APPLICATION_ID", "runwarden-cluster",
                "RUNWARDEN_HTTP_HOST", "0.0.0.0", "RUNWARDEN_ADVERTISED_HOST", "127.0.0.1",
                "RUNWARDEN_API_TOKEN", apiTokens, "RUNWARDEN_READ_TOKEN", READ);
    }
}
