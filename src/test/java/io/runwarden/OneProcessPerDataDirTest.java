package io.runwarden;

import io.runwarden.http.HttpTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.runwarden.ServiceEndToEndTest.embedded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A second process on a data dir in use exits at once, and the first one goes on as if nothing happened. */
@IntegrationTest
class OneProcessPerDataDirTest {
    /** Generous: the second JVM only has to start and fail, but shares 2 cores with other JVMs. */
    private static final Duration CEILING = Duration.ofMinutes(3);

    @TempDir
    Path tmp;

    @Test
    // before the lock, the intruder's broker left the first one unable to shut down: fail rather than hang
    @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSecondProcessOnTheSameDataDirExitsWithOneNamingItAndTheFirstGoesOn() throws Exception {
        Path dataDir = tmp.resolve("data");
        try (RunwardenService first = RunwardenService.start(embedded(dataDir))) {
            Path log = tmp.resolve("second.log");
            // other ports, so that only the data dir can make it fail
            ProcessBuilder builder = new ProcessBuilder(TestJvm.command("256m", Main.class))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
            builder.environment().put("RUNWARDEN_DATA_DIR", dataDir.toString());
            builder.environment().put("RUNWARDEN_EMBEDDED_KAFKA_PORT", "0");
            builder.environment().put("RUNWARDEN_HTTP_PORT", "0");
            Process second = builder.start();
            try {
                assertThat(second.waitFor(CEILING.toSeconds(), TimeUnit.SECONDS)).as("the second process exits").isTrue();
            } finally {
                second.destroyForcibly();
            }
            String output = Files.readString(log);
            assertThat(second.exitValue()).as(output).isEqualTo(1);
            assertThat(output).contains("runwarden cannot start: data dir " + dataDir.toAbsolutePath()
                    + " is in use by another runwarden process (lock " + dataDir.toAbsolutePath().resolve(".lock") + ")");
            assertThat(output).as("it stopped before starting a broker").doesNotContain("embedded Kafka broker listening");

            HttpTestClient http = new HttpTestClient(first.httpPort(), null);
            assertThat(http.get("/ready").status()).isEqualTo(200);
            HttpTestClient.Response started = http.post("/script/runs", "{\"scriptName\":\"after-the-intruder\"}");
            assertThat(started.status()).isEqualTo(201);
            String runId = started.data().path("runId").asText();
            await().atMost(CEILING).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                HttpTestClient.Response run = http.get("/script/logs/" + runId);
                assertThat(run.status()).isEqualTo(200);
                assertThat(run.data().path("scriptName").asText()).isEqualTo("after-the-intruder");
                assertThat(run.data().path("status").asInt()).isEqualTo(2);
            });
        }
    }
}
