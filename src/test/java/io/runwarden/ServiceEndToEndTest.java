package io.runwarden;

import io.runwarden.model.Trigger;
import io.runwarden.config.Settings;
import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.EmbeddedKafka;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Json;
import io.runwarden.model.RunFailure;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.sweep.SweepRequest;
import io.runwarden.sweep.SweepResult;
import io.runwarden.model.ControlRecord;
import io.runwarden.kafka.DeadLetterHandler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The service against a real KRaft broker, used as scripts and downstream consumers use it. */
@IntegrationTest
class ServiceEndToEndTest {
    private static final Instant NOW = Instant.now();

    @TempDir
    Path dataDir;

    @Test
    void embeddedServiceFailsTheStaleRunAndKeepsTheRecentOne() throws Exception {
        try (RunwardenService service = RunwardenService.start(embedded(dataDir));
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
            kafka.send(Topics.SCRIPT_EVENTS, "four-days", started("four-days", "synchroFacture", NOW.minus(Duration.ofDays(4))));
            kafka.send(Topics.SCRIPT_EVENTS, "two-days", started("two-days", "synchroFacture", NOW.minus(Duration.ofDays(2))));
            kafka.send(Topics.SCRIPT_EVENTS, "finished", started("finished", "backup", NOW.minus(Duration.ofHours(2))));
            kafka.send(Topics.SCRIPT_EVENTS, "finished", "{\"event\":\"heartbeat\"}");
            kafka.send(Topics.SCRIPT_EVENTS, "finished", "{\"event\":\"succeeded\",\"message\":\"done\"}");
            kafka.send(Topics.SCRIPT_EVENTS, "garbage", "{not json");
            kafka.flush();

            await().atMost(Patience.APPLIED).until(() -> kafka.latestRuns().keySet().containsAll(List.of("four-days", "two-days"))
                    && kafka.latestRuns().get("finished") != null && kafka.latestRuns().get("finished").status() == RunStatus.SUCCESS);
            assertThat(kafka.latestRuns().get("four-days").status()).isEqualTo(RunStatus.IN_PROGRESS);

            SweepResult result = service.sweeps().sweep(Patience.SWEEP);

            assertThat(result.totalLogsUpdated()).isEqualTo(1);
            assertThat(result.scriptNames()).containsExactly("synchroFacture");
            assertThat(result.partitions()).isEqualTo(6);
            // the answer comes once every partition decided; the records follow as its runs are written
            await().atMost(Patience.APPLIED).untilAsserted(() -> {
                Map<String, RunRecord> runs = kafka.latestRuns();
                RunRecord failed = runs.get("four-days");
                assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
                assertThat(failed.message()).isEqualTo("Script marked as failed - exceeded 3 day timeout");
                assertThat(failed.failureReason().wireName()).isEqualTo("timeout");
                assertThat(runs.get("two-days").status()).isEqualTo(RunStatus.IN_PROGRESS);
                RunRecord audit = runs.get(result.sweepId());
                assertThat(audit.scriptName()).isEqualTo("cleanupStaleScripts");
                assertThat(audit.status()).isEqualTo(RunStatus.SUCCESS);
                List<RunFailure> failures = kafka.readAll(Topics.SCRIPT_RUN_FAILURES).stream()
                        .map(r -> Json.read(r.value(), RunFailure.class)).toList();
                assertThat(failures).extracting(RunFailure::runId).containsExactly("four-days");
                assertThat(failures.get(0).sweepId()).isEqualTo(result.sweepId());
            });

            List<ConsumerRecord<String, byte[]>> dead = kafka.readAll(Topics.SCRIPT_EVENTS_DLQ);
            assertThat(dead).hasSize(1);
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(new String(dead.get(0).headers().lastHeader(DeadLetterHandler.REASON).value(), StandardCharsets.UTF_8))
                    .isEqualTo("not-json");

            // the sweep's audit run of cleanupStaleScripts counts too: one more start and one more success
            await().atMost(Patience.APPLIED).untilAsserted(() -> assertThat(lines(scrapeMetrics(service))).contains(
                    "runwarden_events_applied_total{type=\"started\"} 4.0",
                    "runwarden_events_applied_total{type=\"heartbeat\"} 1.0",
                    "runwarden_events_applied_total{type=\"succeeded\"} 2.0",
                    "runwarden_events_applied_total{type=\"failed\"} 0.0",
                    "runwarden_dead_letters_total{reason=\"not-json\"} 1.0",
                    "runwarden_runs_in_progress 1.0",
                    "runwarden_sweep_runs_failed_total{trigger=\"manual\"} 1.0",
                    "runwarden_sweep_runs_failed_total{trigger=\"scheduled\"} 0.0",
                    "runwarden_sweep_duration_seconds_count{trigger=\"manual\"} 1"));
            List<String> scraped = lines(scrapeMetrics(service));
            assertThat(scraped).as("the JVM's meters").anyMatch(line -> line.startsWith("jvm_memory_used_bytes{"));
            assertThat(scraped).as("Kafka Streams' own meters").anyMatch(line -> line.startsWith("kafka_stream_thread_"));
        }
    }

    /** GET /metrics over real HTTP, as Prometheus scrapes it. */
    static String scrapeMetrics(RunwardenService service) {
        HttpTestClient.Response scrape = new HttpTestClient(service.httpPort(), null).getText("/metrics");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return scrape.text();
    }

    static List<String> lines(String text) {
        return text.lines().toList();
    }

    @Test
    void sweepNeverOvertakesAnEndEventQueuedBeforeIt() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start(dataDir, 0)) {
            Settings settings = embedded(dataDir).withBootstrapServers(broker.bootstrapServers());
            RunwardenService.start(settings).close(); // creates the topics, then nothing consumes
            SweepRequest request = new SweepRequest(UUID.randomUUID().toString(), Trigger.MANUAL, NOW, null);
            try (KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
                kafka.send(Topics.SCRIPT_EVENTS, "late-finisher", started("late-finisher", "nightlyImport", NOW.minus(Duration.ofDays(4))));
                for (int i = 0; i < 20_000; i++) {
                    kafka.send(Topics.SCRIPT_EVENTS, "filler-" + i, started("filler-" + i, "filler", NOW.minus(Duration.ofHours(1))));
                }
                kafka.send(Topics.SCRIPT_EVENTS, "late-finisher",
                        "{\"event\":\"succeeded\",\"time\":\"" + NOW.minusSeconds(5) + "\",\"message\":\"imported\"}");
                // the sweep is requested while the end event is still waiting, unconsumed, in the backlog
                kafka.send(Topics.SCRIPT_EVENTS, request.sweepId(), Json.bytes(request), ControlRecord.SWEEP_REQUEST.headers());
                kafka.flush();

                try (RunwardenService service = RunwardenService.start(settings)) {
                    // the sweep is answered once the 20,000 events before it are applied
                    SweepResult result = service.sweeps().await(request.sweepId(), Patience.DRAIN);

                    assertThat(result.totalLogsUpdated()).isZero();
                    RunRecord run = kafka.latestRuns().get("late-finisher");
                    assertThat(run.status()).isEqualTo(RunStatus.SUCCESS);
                    assertThat(run.message()).isEqualTo("imported");
                    assertThat(kafka.readAll(Topics.SCRIPT_RUN_FAILURES)).isEmpty();
                }
            }
        }
    }

    @Test
    void eventsAndSweepRequestsOnTheWrongPartitionStillMeetTheirRun() throws Exception {
        try (RunwardenService service = RunwardenService.start(embedded(dataDir));
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
            // a start from a client with another partitioner, the end from a Java client
            int home = Utils.toPositive(Utils.murmur2("mixed".getBytes(StandardCharsets.UTF_8))) % 6;
            kafka.sendTo((home + 1) % 6, Topics.SCRIPT_EVENTS, "mixed",
                    started("mixed", "mixedClients", NOW.minus(Duration.ofDays(4))).getBytes(StandardCharsets.UTF_8), null);
            kafka.flush();
            await().atMost(Patience.APPLIED).until(() -> kafka.latestRuns().containsKey("mixed"));
            kafka.send(Topics.SCRIPT_EVENTS, "mixed", "{\"event\":\"succeeded\",\"message\":\"done\"}");
            SweepRequest request = new SweepRequest("wrong-partition-sweep", Trigger.MANUAL, NOW, null);
            int sweepHome = Utils.toPositive(Utils.murmur2(request.sweepId().getBytes(StandardCharsets.UTF_8))) % 6;
            kafka.sendTo((sweepHome + 2) % 6, Topics.SCRIPT_EVENTS, request.sweepId(), Json.bytes(request),
                    ControlRecord.SWEEP_REQUEST.headers());
            kafka.flush();

            SweepResult result = service.sweeps().await(request.sweepId(), Patience.SWEEP);

            assertThat(result.totalLogsUpdated()).isZero();
            RunRecord run = kafka.latestRuns().get("mixed");
            assertThat(run.status()).isEqualTo(RunStatus.SUCCESS);
            assertThat(run.scriptName()).isEqualTo("mixedClients");
            assertThat(run.startTime()).isEqualTo(NOW.minus(Duration.ofDays(4)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        }
    }

    /**
     * A light load is committed as its tasks ask (every 100 ms), not at the commit interval left to floods: with an
     * interval of ten minutes, a run, its alert and a dead letter still reach read-committed consumers at once.
     */
    @Test
    void aLightLoadIsCommittedWithoutWaitingForTheCommitInterval() throws Exception {
        Settings settings = TestSettings.env("RUNWARDEN_DATA_DIR", dataDir.toString(), "RUNWARDEN_APPLICATION_ID",
                "runwarden-test", "RUNWARDEN_KAFKA_COMMIT_INTERVAL_MS", "600000",
                "RUNWARDEN_KAFKA_PRODUCER_TRANSACTION_TIMEOUT_MS", "900000");
        try (RunwardenService service = RunwardenService.start(settings);
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
            kafka.send(Topics.SCRIPT_EVENTS, "light", started("light", "nightly", NOW));
            kafka.send(Topics.SCRIPT_EVENTS, "light", "{\"event\":\"failed\",\"message\":\"disk full\"}");
            kafka.send(Topics.SCRIPT_EVENTS, "bad", "{not json");
            kafka.flush();

            await().atMost(Patience.APPLIED).until(() -> kafka.latestRuns().get("light") != null
                    && kafka.latestRuns().get("light").status() == RunStatus.FAILED);
            await().atMost(Patience.APPLIED).until(() -> kafka.readAll(Topics.SCRIPT_ALERTS).stream()
                    .anyMatch(alert -> "nightly".equals(alert.key())));
            await().atMost(Patience.APPLIED).until(() -> !kafka.readAll(Topics.SCRIPT_EVENTS_DLQ).isEmpty());
        }
    }

    static Settings embedded(Path dataDir) {
        return TestSettings.env("RUNWARDEN_DATA_DIR", dataDir.toString(), "RUNWARDEN_APPLICATION_ID", "runwarden-test");
    }

    static String started(String runId, String script, Instant time) {
        return "{\"runId\":\"" + runId + "\",\"scriptName\":\"" + script + "\",\"event\":\"started\",\"time\":\"" + time + "\"}";
    }
}
