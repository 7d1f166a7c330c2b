package io.runwarden;

import io.runwarden.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's curl walk-through, run as written against a fresh service (only the port differs). */
class ReadmeExamplesTest {
    @TempDir
    Path dataDir;

    @Test
    void httpWalkThroughWorksAsWritten() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("## HTTP API");
        int start = readme.indexOf("```sh\n", section) + "```sh\n".length();
        String script = readme.substring(start, readme.indexOf("```", start));

        try (RunwardenService service = RunwardenService.start(
                new Settings("", 0, dataDir, "127.0.0.1", 0, Duration.ofDays(3), null, "runwarden-readme", null, Duration.ofDays(90), Map.of()))) {
            Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c",
                    script.replace("localhost:8080", "localhost:" + service.httpPort()))
                    .redirectErrorStream(true).start();
            String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bash.waitFor(120, TimeUnit.SECONDS)).isTrue();

            assertThat(bash.exitValue()).as(output).isZero();
            assertThat(output).contains("\"timezone\":\"Europe/Paris\"", "\"runId\":\"backup-1\"",
                    "\"message\":\"12 GB copied\"", "\"scriptNames\":[\"import\"]", "\"scriptName\":\"cleanupStaleScripts\"",
                    "\"maxRuntime\":\"PT6H\"");
        }
    }
}
