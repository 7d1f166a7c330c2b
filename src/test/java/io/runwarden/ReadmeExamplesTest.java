package io.runwarden;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's shell examples, run as written against a real service (only the ports and the jar's path differ).
 * Both walk-throughs share one service, as starting one costs seconds to a minute on a busy machine; their runs and
 * scripts have different names, so either sees what it would see on a fresh service, in any order.
 */
@IntegrationTest
class ReadmeExamplesTest {
    private static final String KCAT_INSTALL =
            "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat";
    /** A ```sh block, indented or not (the quickstart's sit inside a numbered list). */
    private static final Pattern SH_BLOCK = Pattern.compile("(?ms)^( *)```sh\n(.*?)^\\1```");

    @TempDir
    static Path dataDir;
    private static RunwardenService service;

    @BeforeAll
    static void start() {
        service = RunwardenService.start(TestSettings.env("RUNWARDEN_DATA_DIR", dataDir.toString(),
                "RUNWARDEN_APPLICATION_ID", "runwarden-readme"));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void httpWalkThroughWorksAsWritten() throws Exception {
        String output = run(shBlocks(section("## HTTP API")).get(0));

        assertThat(output).contains("\"timezone\":\"Europe/Paris\"", "\"runId\":\"backup-1\"",
                "\"message\":\"12 GB copied\"", "\"scriptNames\":[\"import\"]", "\"scriptName\":\"cleanupStaleScripts\"",
                "\"maxRuntime\":\"PT6H\"");
    }

    @Test
    void schedulesWalkThroughWorksAsWritten() throws Exception {
        List<JsonNode> answers = jsonLines(run(shBlocks(section("## Schedules")).get(0)));

        assertThat(answers).hasSize(6).allMatch(answer -> answer.path("success").asBoolean());
        JsonNode policy = answers.get(0).path("data");
        assertThat(policy.path("schedule").asText()).isEqualTo("0 3 * * *");
        assertThat(policy.path("timezone").asText()).isEqualTo("Europe/Paris");
        assertThat(policy.path("nextExpectedStart").asText()).isNotEmpty();
        assertThat(answers.get(1).path("data").path("runId").asText()).isNotEmpty();
        assertThat(answers.get(2).path("data").path("event").asText()).isEqualTo("succeeded");
        JsonNode backup = null;
        for (JsonNode script : answers.get(3).path("data").path("scripts")) {
            if (script.path("scriptName").asText().equals("backup")) {
                backup = script;
            }
        }
        assertThat(backup).as("the dashboard lists the scheduled script").isNotNull();
        assertThat(backup.path("schedule").asText()).isEqualTo("0 3 * * *");
        assertThat(backup.path("state").asText()).isIn("ok", "running", "late");
        assertThat(answers.get(4).path("data").path("paused").asBoolean()).isTrue();
        assertThat(answers.get(5).path("data").path("paused").asBoolean()).isFalse();
        // the pings' run is paired in the stream: it ends with the exit code's message
        await().atMost(Patience.APPLIED).until(() -> run("curl -s 'localhost:8080/script/logs?scriptName=backup'")
                .contains("\"message\":\"42 GB copied\""));
    }

    @Test
    void notificationsWalkThroughWorksAsWritten() throws Exception {
        List<JsonNode> answers = jsonLines(run(shBlocks(section("## Notifications")).get(0)));

        assertThat(answers).hasSize(8).allMatch(answer -> answer.path("success").asBoolean());
        assertThat(answers.subList(0, 4)).extracting(answer -> answer.path("data").path("type").asText())
                .containsExactly("webhook", "slack", "email", "pagerduty");
        assertThat(answers.get(0).path("data").path("secret").asText()).isEqualTo("********");
        assertThat(answers.get(3).path("data").path("routingKey").asText()).isEqualTo("********");
        assertThat(answers.get(3).path("data").path("enabled").asBoolean()).isFalse();
        String listed = answers.get(4).toString();
        assertThat(listed).contains("\"ops-hook\"", "\"ops-slack\"", "\"ops-mail\"", "\"pager\"")
                .doesNotContain("change-me", "R0123456789ABCDEF0123456789ABCDE", "hooks.slack.com");
        JsonNode test = answers.get(5).path("data");
        assertThat(test.path("notificationId").asText()).startsWith("test:ops-hook:");
        assertThat(test.path("outcome").asText()).isIn("retried", "failed");
        assertThat(answers.get(6).path("data").path("deliveries").toString()).contains(test.path("notificationId").asText());
        assertThat(answers.get(7).path("data").path("alerts").isArray()).isTrue();
    }

    @Test
    void quickstartWorksAsWritten() throws Exception {
        List<String> steps = shBlocks(section("## Quickstart"));
        assertThat(steps).as("the quickstart's commands: run, curl, kcat, exec, logs, cleanup").hasSize(6);
        // step 1 starts the service, which this test has done itself; it must stay the command the README tests
        assertThat(section("## The two commands")).contains("```sh\n" + steps.get(0) + "```");

        String reported = run(steps.get(1));
        assertThat(reported).contains("\"event\":\"started\"", "\"event\":\"succeeded\"").doesNotContain("\"success\":false");

        String kcatMissing = ensureKcat();
        if (kcatMissing == null) {
            assertThat(run(steps.get(2))).isEmpty();
        } else {
            System.err.println("ReadmeExamplesTest: skipping the quickstart's kcat step: " + kcatMissing);
        }

        String exec = run(steps.get(3));
        assertThat(exec).contains("done\n", "disk full\n", "exit code 3\n");

        // the service applies reports asynchronously: a user reads a moment later, so the read is repeated until then
        Map<String, List<JsonNode>> runs = await().atMost(Patience.APPLIED).pollInterval(Duration.ofMillis(500))
                .until(() -> runsByScript(run(steps.get(4))),
                        seen -> seen.containsKey("invoices") && seen.getOrDefault("nightly-report", List.of()).size() == 2
                                && (kcatMissing != null || seen.containsKey("synchroFacture")));
        assertThat(runs.get("invoices")).singleElement().satisfies(run -> {
            assertThat(run.path("runId").asText()).isEqualTo("invoices-1");
            assertThat(run.path("status").asInt()).isZero();
            assertThat(run.path("message").asText()).isEqualTo("42 invoices sent");
        });
        assertThat(runs.get("nightly-report")).extracting(run -> run.path("status").asInt()).containsExactly(-1, 0);
        assertThat(runs.get("nightly-report").get(0).path("message").asText()).matches("exit 3 in \\d+ s; stderr: disk full");

        List<JsonNode> cleanup = jsonLines(run(steps.get(5)));
        assertThat(cleanup).hasSize(2).allMatch(answer -> answer.path("success").asBoolean());
        JsonNode sweep = cleanup.get(0).path("data");
        if (kcatMissing == null) {
            assertThat(runs.get("synchroFacture")).singleElement().satisfies(run -> assertThat(run.path("status").asInt()).isEqualTo(2));
            assertThat(sweep.path("totalLogsUpdated").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(sweep.path("scriptNames").toString()).contains("\"synchroFacture\"");
            JsonNode stale = cleanup.get(1).path("data");
            assertThat(stale.path("status").asInt()).isEqualTo(-1);
            assertThat(stale.path("message").asText()).isEqualTo("Script marked as failed - exceeded 3 day timeout");
        }
        // reported as skipped, not passed: the kcat step, and the cleanup it feeds, were not checked
        assumeTrue(kcatMissing == null, "the quickstart's kcat step was not run: " + kcatMissing);
    }

    /** From the heading to the next section, so that a block is found only where the README shows it. */
    private static String section(String heading) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n" + heading);
        assertThat(start).as(heading).isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    private static List<String> shBlocks(String section) {
        List<String> blocks = new ArrayList<>();
        Matcher block = SH_BLOCK.matcher(section);
        while (block.find()) {
            blocks.add(block.group(2).replaceAll("(?m)^" + block.group(1), ""));
        }
        return blocks;
    }

    /**
     * Runs a block with bash as a user's terminal would, but stopping at the first failure; the test's service
     * listens on ports of its own, and the jar is not built yet when tests run: the same Main from the classpath.
     */
    private static String run(String block) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java") + " -cp '"
                + System.getProperty("java.class.path") + "' " + Main.class.getName();
        String bootstrap = service.bootstrapServers();
        String script = block.replace("localhost:8080", "localhost:" + service.httpPort())
                .replace("127.0.0.1:9092", bootstrap)
                .replace("java -jar target/runwarden.jar", java);
        // the output goes to a file: reading the pipe to its end would wait without a ceiling for a block that hangs
        Path out = Files.createTempFile(dataDir, "block", ".out");
        ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        // runwarden exec reports to 127.0.0.1:9092 by default, this variable sends it to the test's broker
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        Process bash = builder.start();
        boolean ended = bash.waitFor(Patience.COMMAND.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            bash.destroyForcibly().waitFor(Patience.KILL.toMillis(), TimeUnit.MILLISECONDS);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(ended).as(script + "\nstill running after " + Patience.COMMAND + ":\n" + output).isTrue();
        assertThat(bash.exitValue()).as(script + "\n" + output).isZero();
        return output;
    }

    private static List<JsonNode> jsonLines(String output) throws IOException {
        List<JsonNode> answers = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("{")) {
                answers.add(Json.MAPPER.readTree(line));
            }
        }
        return answers;
    }

    private static Map<String, List<JsonNode>> runsByScript(String logs) throws IOException {
        Map<String, List<JsonNode>> runs = new HashMap<>();
        for (JsonNode run : jsonLines(logs).get(0).path("data").path("logs")) {
            runs.computeIfAbsent(run.path("scriptName").asText(), name -> new ArrayList<>()).add(run);
        }
        return runs;
    }

    /** Installs kcat with apt when it is missing, as a new user would; null when it is there, else why not. */
    private static String ensureKcat() throws Exception {
        if (onPath("kcat")) {
            return null;
        }
        Path log = Path.of("target", "kcat-install.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        Process apt = new ProcessBuilder("sh", "-c", KCAT_INSTALL).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!apt.waitFor(5, TimeUnit.MINUTES)) {
            apt.destroyForcibly();
            return "`" + KCAT_INSTALL + "` took over 5 minutes; see " + log;
        }
        return onPath("kcat") ? null
                : "`" + KCAT_INSTALL + "` exited with " + apt.exitValue() + " (it needs root and Debian's package mirror); see " + log;
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
