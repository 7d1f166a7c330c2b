package io.runwarden;

import io.runwarden.config.Settings;
import io.runwarden.kafka.Topics;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.SweepResult;
import io.runwarden.stream.Stores;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.runwarden.ServiceEndToEndTest.embedded;
import static io.runwarden.ServiceEndToEndTest.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What survives a restart of the service and its embedded broker, and what makes a start refuse. */
class RestartTest {
    private static final Instant NOW = Instant.now();

    @TempDir
    Path dataDir;

    @Test
    void runsSweepsAndCronJobsSurviveARestartOfServiceAndBroker() throws Exception {
        Settings settings = embedded(dataDir);
        try (RunwardenService service = RunwardenService.start(settings);
             KafkaTestClient kafka = new KafkaTestClient(service.settings().bootstrapServers())) {
            kafka.send(Topics.SCRIPT_EVENTS, "stale", started("stale", "s", NOW.minus(Duration.ofDays(5))));
            kafka.send(Topics.SCRIPT_EVENTS, "running", started("running", "s", NOW.minus(Duration.ofDays(1))));
            kafka.flush();
            await().atMost(Duration.ofSeconds(30)).until(() -> kafka.latestRuns().size() == 2);
            assertThat(service.sweeps().sweep(Duration.ofSeconds(60)).totalLogsUpdated()).isEqualTo(1);
        }

        try (RunwardenService service = RunwardenService.start(settings);
             KafkaTestClient kafka = new KafkaTestClient(service.settings().bootstrapServers())) {
            ReadOnlyKeyValueStore<String, RunRecord> runs = service.streams().store(
                    StoreQueryParameters.fromNameAndType(Stores.RUNS, QueryableStoreTypes.keyValueStore()));
            assertThat(runs.get("stale").status()).isEqualTo(RunStatus.FAILED);
            assertThat(runs.get("running").status()).isEqualTo(RunStatus.IN_PROGRESS);

            SweepResult again = service.sweeps().sweep(Duration.ofSeconds(60));
            assertThat(again.totalLogsUpdated()).isZero();
            assertThat(kafka.readAll(Topics.SCRIPT_RUN_FAILURES)).hasSize(1);
            assertThat(kafka.readAll(Topics.CRON_CONFIG)).as("the default job is seeded once").hasSize(1);
        }
    }

    @Test
    void refusesToStartWhenScriptEventsPartitionsChangedUnderItsState() {
        Settings settings = embedded(dataDir);
        try (RunwardenService service = RunwardenService.start(settings);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, service.settings().bootstrapServers()))) {
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
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("RUNWARDEN_DATA_DIR", dataDir.toString());
        builder.environment().put("RUNWARDEN_EMBEDDED_KAFKA_PORT", "0");
        builder.environment().put("RUNWARDEN_HTTP_PORT", "0");
        builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        Process process = builder.start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(log).contains("runwarden ready in"));
        } finally {
            process.destroy(); // SIGTERM
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log)).contains("runwarden stopped");
        assertThat(process.exitValue()).isEqualTo(143);
    }
}
