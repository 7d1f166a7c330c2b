package io.runwarden;

import io.runwarden.kafka.LoopbackPorts;
import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.http.HttpTestClient;
import io.runwarden.model.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service as a process with {@code RUNWARDEN_LOG_FORMAT=json} and the logging configuration it ships with:
 * what a log shipper reads on its standard output from start to stop.
 */
@IntegrationTest
class JsonLogsTest {
    private static final String TOKEN = "json-logs-token-7f3a";
    private static final String KAFKA_PASSWORD = "kafka-password-91c2";

    @TempDir
    Path dir;

    @Test
    void everyLineIsJsonAndSaysStartReadySweepAndStopWithoutSecrets() throws Exception {
        int httpPort = LoopbackPorts.free();
        Path stdout = dir.resolve("stdout.log");
        Path stderr = dir.resolve("stderr.log");
        ProcessBuilder builder = service(stdout, stderr);
        builder.environment().putAll(Map.of(
                "RUNWARDEN_LOG_FORMAT", "json",
                "RUNWARDEN_DATA_DIR", dir.resolve("data").toString(),
                "RUNWARDEN_EMBEDDED_KAFKA_PORT", "0",
                "RUNWARDEN_HTTP_PORT", String.valueOf(httpPort),
                "RUNWARDEN_API_TOKEN", TOKEN,
                // unused on the embedded PLAINTEXT broker, but passed to every client: it must not reach the log
                "RUNWARDEN_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"runwarden\" password=\"" + KAFKA_PASSWORD + "\";"));
        Process process = builder.start();
        try {
            await().atMost(Patience.START).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("exited with " + process.exitValue() + ": " + Files.readString(stdout)
                            + Files.readString(stderr));
                }
                return Files.readString(stdout).contains("runwarden ready in");
            });
            String sweepId = new HttpTestClient(httpPort, TOKEN).post("/script/cleanup-stale", null).data()
                    .path("sweepId").asText();
            await().atMost(Patience.SWEEP).until(() -> Files.readString(stdout).contains("sweep " + sweepId));

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(Patience.STOP.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(stdout)) {
                lines.add(parse(line));
            }
            assertThat(lines).allSatisfy(line -> assertThat(line.path("level").asText()).isNotEmpty());
            assertThat(messages(lines)).anyMatch(m -> m.startsWith("runwarden starting: Kafka embedded broker"))
                    .anyMatch(m -> m.startsWith("runwarden ready in "))
                    .anyMatch(m -> m.equals("runwarden stopped"));
            JsonNode sweep = lines.stream().filter(l -> l.path("formattedMessage").asText().startsWith("sweep " + sweepId))
                    .findFirst().orElseThrow();
            assertThat(sweep.path("formattedMessage").asText())
                    .matches("sweep " + sweepId + " \\(manual\\) completed in \\d+ ms: 0 run\\(s\\) marked as failed across 0 script\\(s\\) \\[]");
            assertThat(sweep.path("kvpList").toString()).contains("{\"sweepId\":\"" + sweepId + "\"}", "{\"runsFailed\":\"0\"}");
            // Kafka, Jetty and Javalin stay quiet at INFO: every INFO line is runwarden's own
            assertThat(lines).filteredOn(l -> l.path("level").asText().equals("INFO"))
                    .allSatisfy(l -> assertThat(l.path("loggerName").asText()).startsWith("io.runwarden."));

            String everything = Files.readString(stdout) + Files.readString(stderr);
            assertThat(everything).doesNotContain(TOKEN).doesNotContain(KAFKA_PASSWORD);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(Patience.KILL.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    @Test
    void anUnknownFormatIsRefusedWithOneLineAndNoLogbackReport() throws Exception {
        Path stdout = dir.resolve("stdout.log");
        Path stderr = dir.resolve("stderr.log");
        ProcessBuilder builder = service(stdout, stderr);
        builder.environment().put("RUNWARDEN_LOG_FORMAT", "xml");

        Process process = builder.start();

        assertThat(process.waitFor(Patience.COMMAND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(stdout)).isEmpty();
        assertThat(Files.readString(stderr).strip())
                .isEqualTo("runwarden: RUNWARDEN_LOG_FORMAT=xml is not a log format: use text (the default) or json");
    }

    /** Main in a JVM of its own, with the logging configuration the jar ships. */
    private ProcessBuilder service(Path stdout, Path stderr) {
        // the test classpath carries logback-test.xml, which a child would otherwise pick
        String shipped = getClass().getClassLoader().getResource("logback.xml").toString();
        return new ProcessBuilder(TestJvm.command("512m", Main.class, "-Dlogback.configurationFile=" + shipped))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    }

    private static JsonNode parse(String line) {
        try {
            JsonNode node = Json.MAPPER.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            return node;
        } catch (IOException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }

    private static List<String> messages(List<JsonNode> lines) {
        return lines.stream().map(l -> l.path("formattedMessage").asText()).toList();
    }
}
