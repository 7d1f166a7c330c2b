package io.runwarden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.runwarden.config.Settings;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The files users run without us: the compose file and the README's configuration table. */
class DeploymentFilesTest {
    private static final Path COMPOSE = Path.of("docker-compose.yml");

    @Test
    void composeRunsRunwardenAgainstTheComposeBrokerWithKnownSettingsOnly() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
        JsonNode runwarden = compose.path("services").path("runwarden");
        JsonNode kafka = compose.path("services").path("kafka");

        List<String> names = new ArrayList<>();
        runwarden.path("environment").fieldNames().forEachRemaining(names::add);
        assertThat(Settings.ENV_VARS).containsAll(names);
        String bootstrap = runwarden.path("environment").path("KAFKA_BOOTSTRAP_SERVERS").asText();
        assertThat(kafka.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText()).contains("://" + bootstrap);
        assertThat(kafka.path("image").asText()).startsWith("apache/kafka:");
        assertThat(runwarden.path("build").asText()).isEqualTo(".");
        assertThat(Path.of("Dockerfile")).exists();
    }

    @Test
    void composeFileParsesWithDockerCompose() throws Exception {
        assumeTrue(onPath("docker-compose"), "docker-compose is not installed");
        ProcessBuilder check = new ProcessBuilder("docker-compose", "-f", COMPOSE.toString(), "config", "-q")
                .redirectErrorStream(true);
        check.environment().put("RUNWARDEN_API_TOKEN", "test-token");
        Process process = check.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    @Test
    void readmeDocumentsEveryEnvironmentVariable() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (String name : Settings.ENV_VARS) {
            assertThat(readme).contains("`" + name + "`");
        }
    }

    @Test
    void ciRunsExactlyTheReadmeTestCommand() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String ci = Files.readString(Path.of(".ci", "run"));
        String command = ci.lines().filter(l -> l.startsWith("mvn ")).findFirst().orElseThrow();
        assertThat(readme).contains("```sh\n" + command + "\n```");
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
