package io.runwarden.exec;

import io.runwarden.TestSettings;
import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.IntegrationTest;
import io.runwarden.Main;
import io.runwarden.Patience;
import io.runwarden.TestJvm;
import io.runwarden.RunwardenService;
import io.runwarden.http.HttpTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code runwarden exec} as cron runs it: a separate JVM running a real command, reporting to a real service on
 * its embedded broker, through Kafka or HTTP; what the caller sees is its exit code and its output.
 */
@IntegrationTest
class ExecCommandTest {
    private static final String TOKEN = "exec-token";
    private static RunwardenService service;
    private static HttpTestClient http;

    @TempDir
    Path dir;

    record Result(int exit, String stdout, String stderr, Instant exited) {
    }

    @BeforeAll
    static void start() throws IOException {
        service = RunwardenService.start(TestSettings.env("RUNWARDEN_DATA_DIR",
                Files.createTempDirectory("runwarden-exec").toString(), "RUNWARDEN_API_TOKEN", TOKEN,
                "RUNWARDEN_APPLICATION_ID", "runwarden-exec-test"));
        http = new HttpTestClient(service.httpPort(), TOKEN);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void failingCommandKeepsItsExitCodeAndOutputAndIsReportedWithItsStderr() throws Exception {
        Result result = exec(Map.of(), "--script", "nightly", "--run-id", "fail-1", "--bootstrap", bootstrap(),
                "--", "sh", "-c", "echo out; echo warming up >&2; echo oops >&2; exit 3");

        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("warming up\noops\n");
        JsonNode run = awaitRun("fail-1", -1);
        assertThat(run.path("scriptName").asText()).isEqualTo("nightly");
        assertThat(run.path("failureReason").asText()).isEqualTo("error");
        assertThat(run.path("message").asText()).matches("exit 3 in \\d+ s; stderr: warming up\noops");
    }

    @Test
    void succeedingLongCommandSendsHeartbeatsAndItsMaxRuntime() throws Exception {
        Path done = dir.resolve("done");
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        // runs until the test has seen a heartbeat arrive, however slow this machine is today
        Process exec = start(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap()), out, err, "--script", "backup",
                "--run-id", "ok-1", "--max-runtime", "PT2H", "--heartbeat", "PT1S",
                "--", "sh", "-c", "while [ ! -e '" + done + "' ]; do sleep 0.1; done");

        JsonNode running = await().atMost(Patience.START).pollInterval(Duration.ofMillis(200)).until(
                () -> http.get("/script/logs/ok-1").data(), run -> run.path("lastHeartbeat").isTextual());
        assertThat(running.path("status").asInt()).isEqualTo(2);
        assertThat(running.path("maxRuntime").asText()).isEqualTo("PT2H");
        Files.createFile(done);

        assertThat(exec.waitFor(Patience.COMMAND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(exec.exitValue()).isZero();
        assertThat(Files.readString(out)).isEmpty();
        assertThat(Files.readString(err)).isEmpty();
        assertThat(awaitRun("ok-1", 0).path("message").asText()).matches("exit 0 in \\d+ s");
    }

    @Test
    void reportsOverHttpWithTheTokenFromTheEnvironment() throws Exception {
        Result result = exec(Map.of("RUNWARDEN_API_TOKEN", TOKEN), "--script", "via-http", "--run-id", "http-1",
                "--url", "http://127.0.0.1:" + service.httpPort(), "--", "sh", "-c", "echo bad input >&2; exit 4");

        assertThat(result.exit()).isEqualTo(4);
        assertThat(awaitRun("http-1", -1).path("message").asText()).contains("exit 4", "bad input");
    }

    @Test
    void aRejectedReportIsAWarningAndTheCommandsExitCodeStands() throws Exception {
        Result result = exec(Map.of(), "--script", "via-http", "--run-id", "http-401",
                "--url", "http://127.0.0.1:" + service.httpPort(), "--", "sh", "-c", "exit 5");

        assertThat(result.exit()).isEqualTo(5);
        assertThat(result.stderr()).contains("runwarden exec: could not report 'started' of run http-401", "HTTP 401",
                "runwarden exec: could not report 'failed' of run http-401");
        assertThat(http.get("/script/logs/http-401").status()).isEqualTo(404);
    }

    @Test
    void commandNotFoundExitsLikeAShellAndIsReportedFailed() throws Exception {
        Result result = exec(Map.of(), "--script", "typo", "--run-id", "missing-1", "--bootstrap", bootstrap(),
                "--", "no-such-command-here", "--flag");

        assertThat(result.exit()).isEqualTo(127);
        assertThat(result.stderr()).contains("runwarden exec: ", "no-such-command-here");
        assertThat(awaitRun("missing-1", -1).path("message").asText()).startsWith("exit 127: ")
                .contains("no-such-command-here");
    }

    @Test
    void badArgumentsExitTwoWithoutRunningTheCommand() throws Exception {
        Path witness = dir.resolve("ran");
        Result result = exec(Map.of(), "--script", "s", "--max-runtime", "two hours", "--", "touch", witness.toString());

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("runwarden exec: --max-runtime: 'two hours' is not an ISO-8601 duration");
        assertThat(result.stdout()).isEmpty();
        assertThat(witness).doesNotExist();
    }

    @Test
    void helpPrintsTheOptionsAndRunsNothing() throws Exception {
        Result result = exec(Map.of(), "--help");

        assertThat(result.exit()).isZero();
        assertThat(result.stdout()).startsWith("usage: java -jar runwarden.jar exec --script NAME")
                .contains("--max-runtime", "--heartbeat", "--url", "--token", "--bootstrap");
    }

    @Test
    void unreachableBrokerStillRunsTheCommandAndExitsWithItsCodeSoon() throws Exception {
        Path ended = dir.resolve("ended");
        Result result = exec(Map.of(), "--script", "s", "--bootstrap", "127.0.0.1:" + freePort(),
                "--", "sh", "-c", "echo ran; date +%s%3N > '" + ended + "'; exit 6");

        assertThat(result.exit()).isEqualTo(6);
        assertThat(result.stdout()).isEqualTo("ran\n");
        assertThat(result.stderr()).contains("runwarden exec: could not report 'started'");
        // after the command, what remains is the bounded wait for the end's report (not Kafka's own 60 s and
        // 2 min), then the JVM's exit; counted from the command's end, so that a slow JVM start does not count
        Instant commandEnded = Instant.ofEpochMilli(Long.parseLong(Files.readString(ended).strip()));
        assertThat(Duration.between(commandEnded, result.exited())).isLessThan(MonitoredRun.REPORT_GRACE.plusSeconds(30));
    }

    @Test
    void badKafkaClientPropertyIsAWarningAndTheCommandStillRuns() throws Exception {
        Result result = exec(Map.of("RUNWARDEN_KAFKA_SECURITY_PROTOCOL", "CARRIER_PIGEON"), "--script", "s",
                "--bootstrap", bootstrap(), "--", "sh", "-c", "exit 7");

        assertThat(result.exit()).isEqualTo(7);
        assertThat(result.stderr()).contains("runwarden exec: could not report 'started'", "CARRIER_PIGEON");
    }

    /** An environment shared with the service may hold its Streams and topic settings: a producer has no use for them. */
    @Test
    void theServicesOwnKafkaSettingsInTheEnvironmentDoNotStopTheCommandNorItsReports() throws Exception {
        Result result = exec(Map.of("RUNWARDEN_KAFKA_NUM_STREAM_THREADS", "0", "RUNWARDEN_KAFKA_REPLICATION_FACTOR", "three"),
                "--script", "s", "--run-id", "service-env-1", "--bootstrap", bootstrap(), "--", "sh", "-c", "exit 7");

        assertThat(result.exit()).isEqualTo(7);
        assertThat(awaitRun("service-env-1", -1).path("message").asText()).startsWith("exit 7");
    }

    @Test
    void sigtermIsForwardedToTheCommandAndTheRunReportedKilled() throws Exception {
        Path out = dir.resolve("out");
        Process exec = start(Map.of(), out, dir.resolve("err"), "--script", "long", "--run-id", "term-1",
                "--bootstrap", bootstrap(), "--", "sh", "-c", "echo ready; exec sleep 60");
        awaitRun("term-1", 2);
        await().atMost(Patience.APPLIED).until(() -> Files.readString(out).equals("ready\n"));

        exec.destroy(); // SIGTERM, as cron, systemd or kill would send it

        assertThat(exec.waitFor(Patience.COMMAND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(exec.exitValue()).isEqualTo(143);
        assertThat(awaitRun("term-1", -1).path("message").asText()).startsWith("killed by signal TERM (command exit 143)");
    }

    /**
     * A signal other than TERM reaches the command as itself, not as a SIGTERM it does not trap, and what the command
     * writes to stderr while it stops reaches both our stderr and the report. HUP stands for INT here: a job started
     * in the background, as this test's JVM may be, has INT ignored from the start, and no process can trap it then.
     */
    @Test
    void aHangupReachesTheCommandAsItselfAndWhatItSaysWhileStoppingIsKept() throws Exception {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process exec = start(Map.of(), out, err, "--script", "long", "--run-id", "hup-1", "--bootstrap", bootstrap(),
                "--", "sh", "-c", "trap 'echo cleaning up after HUP >&2; exit 129' HUP; echo ready;"
                        + " while :; do sleep 0.1; done");
        awaitRun("hup-1", 2);
        await().atMost(Patience.APPLIED).until(() -> Files.readString(out).equals("ready\n"));

        assertThat(new ProcessBuilder("kill", "-s", "HUP", Long.toString(exec.pid())).start().waitFor()).isZero();

        assertThat(exec.waitFor(Patience.COMMAND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(exec.exitValue()).isEqualTo(129);
        assertThat(Files.readString(err)).isEqualTo("cleaning up after HUP\n");
        assertThat(awaitRun("hup-1", -1).path("message").asText())
                .matches("killed by signal HUP \\(command exit 129\\) in \\d+ s; stderr: cleaning up after HUP");
    }

    private static String bootstrap() {
        return service.bootstrapServers();
    }

    /** The run as the service has it once in {@code status}; the wait may include the exec JVM's own start. */
    private static JsonNode awaitRun(String runId, int status) {
        return await().atMost(Patience.START).pollInterval(Duration.ofMillis(200)).until(
                () -> http.get("/script/logs/" + runId).data(), run -> run.path("status").asInt(99) == status);
    }

    /** Runs {@code java … io.runwarden.Main exec args} to its end, as cron would. */
    private Result exec(Map<String, String> env, String... args) throws Exception {
        Path out = dir.resolve("out-" + System.nanoTime());
        Path err = dir.resolve("err-" + System.nanoTime());
        Process process = start(env, out, err, args);
        assertThat(process.waitFor(Patience.COMMAND.toMillis(), TimeUnit.MILLISECONDS)).as("exec ended").isTrue();
        Instant exited = Instant.now();
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err), exited);
    }

    private static Process start(Map<String, String> env, Path out, Path err, String... args) throws IOException {
        List<String> command = TestJvm.command("128m", Main.class);
        command.add("exec");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        // the child sees only what a test gives it, not this machine's Kafka or token settings
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("RUNWARDEN_") || name.startsWith("KAFKA_"));
        environment.putAll(new HashMap<>(env));
        return builder.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
