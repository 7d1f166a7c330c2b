package io.runwarden;

import io.runwarden.kafka.LoopbackPorts;
import io.runwarden.cli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.runwarden.model.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** runwarden's own arguments, given to a real JVM as a user types them. */
@IntegrationTest
class CommandLineProcessTest {
    /**
     * Generous for a JVM that prints and exits, or for a selftest's throwaway service (about 12 s), on 2 busy cores; a
     * service that started instead would never exit.
     */
    private static final Duration CEILING = Duration.ofMinutes(4);

    @TempDir
    Path dir;

    /** What the process printed and how it ended. */
    private record Exit(int code, String stdout, String stderr) {
    }

    @Test
    void helpPrintsTheUsageAndExitsZeroHavingStartedNothing() throws Exception {
        Exit exit = run("--help");
        assertThat(exit.code()).as(exit.stderr()).isZero();
        assertThat(exit.stdout()).isEqualTo(CommandLine.USAGE);
        assertThat(exit.stderr()).as("no logger, no broker").isEmpty();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void versionPrintsThePomsVersionAndExitsZeroHavingStartedNothing() throws Exception {
        Exit exit = run("--version");
        assertThat(exit.code()).as(exit.stderr()).isZero();
        assertThat(exit.stdout()).isEqualTo("runwarden " + pomVersion() + "\n");
        assertThat(exit.stderr()).isEmpty();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void anUnknownArgumentPrintsTheUsageOnStderrAndExitsTwo() throws Exception {
        Exit exit = run("--bogus");
        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.stdout()).isEmpty();
        assertThat(exit.stderr()).isEqualTo("runwarden: unknown argument '--bogus'\n" + CommandLine.USAGE);
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void execStillRunsACommand() throws Exception {
        // reports to a port nobody listens on: exec warns on stderr and still exits with the command's code
        Exit exit = run("exec", "--script", "cli-test", "--url", "http://127.0.0.1:" + LoopbackPorts.free(),
                "--", "sh", "-c", "echo out; exit 3");
        assertThat(exit.code()).as(exit.stderr()).isEqualTo(3);
        assertThat(exit.stdout()).isEqualTo("out\n");
    }

    /**
     * cron runs a job with no LANG nor LC_*, and Java 17 then decodes its arguments as ASCII: the command got
     * {@code caf??} for {@code café}, and {@code --script café} was refused for a U+FFFD, so the job did not run.
     */
    @Test
    void execUnderCronsEmptyLocaleGivesTheCommandItsArgumentsByteForByteAndReadsTheNameAsUtf8() throws Exception {
        try (HookReceiver api = new HookReceiver().up(() -> 201)) {
            Exit exit = underCron("--script \"$utf8\" --url " + api.url(""), "printf '%s\\n' \"$utf8\" \"$latin1\" 'a  b'");

            assertThat(exit.code()).as(exit.stderr()).isZero();
            assertThat(Files.readAllBytes(stdout())).isEqualTo(concat("café\n".getBytes(StandardCharsets.UTF_8),
                    new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'}, "a  b\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(exit.stderr()).isEmpty();
            assertThat(api.requests()).hasSize(2).allSatisfy(report ->
                    assertThat(Json.MAPPER.readTree(report.body()).path("scriptName").asText()).isEqualTo("café"));
        }
    }

    /** A name that is not UTF-8 (a Latin-1 crontab) is no reason to leave the job unrun: it runs, and is reported. */
    @Test
    void execWithAScriptNameThatIsNotUtf8StillRunsTheCommandAndSaysHowItReadTheName() throws Exception {
        try (HookReceiver api = new HookReceiver().up(() -> 201)) {
            Exit exit = underCron("--script \"$latin1\" --url " + api.url(""), "sh -c 'echo ran; exit 4'");

            assertThat(exit.code()).as(exit.stderr()).isEqualTo(4);
            assertThat(exit.stdout()).isEqualTo("ran\n");
            assertThat(exit.stderr()).isEqualTo("runwarden exec: argument 'caf\\xE9' is not UTF-8: read with each byte "
                    + "that is not as \\xNN\n");
            assertThat(api.requests()).hasSize(2).allSatisfy(report ->
                    assertThat(Json.MAPPER.readTree(report.body()).path("scriptName").asText()).isEqualTo("caf\\xE9"));
        }
    }

    /**
     * {@code runwarden exec} as cron starts it: {@code env -i PATH=/usr/bin:/bin}, from a shell script in ASCII whose
     * {@code $utf8} and {@code $latin1} hold café in UTF-8 and in Latin-1.
     */
    private Exit underCron(String options, String command) throws IOException, InterruptedException {
        StringBuilder java = new StringBuilder();
        for (String part : TestJvm.command("256m", Main.class)) {
            java.append('\'').append(part.replace("'", "'\\''")).append("' ");
        }
        Path job = dir.resolve("job.sh");
        Files.writeString(job, "utf8=$(printf 'caf\\303\\251')\nlatin1=$(printf 'caf\\351')\n"
                + "exec env -i PATH=/usr/bin:/bin " + java + "exec " + options + " -- " + command + "\n");
        Process process = new ProcessBuilder("/bin/sh", job.toString()).directory(dir.toFile())
                .redirectOutput(stdout().toFile()).redirectError(stderr().toFile()).start();
        try {
            assertThat(process.waitFor(CEILING.toSeconds(), TimeUnit.SECONDS)).as("runwarden exec exits").isTrue();
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        return new Exit(process.exitValue(), Files.readString(stdout(), StandardCharsets.ISO_8859_1),
                Files.readString(stderr(), StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    @Test
    void selftestRunsAThrowawayServiceAndLeavesNothingBehind() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Exit exit = run(List.of("-Djava.io.tmpdir=" + tmp), "selftest");
        assertThat(exit.code()).as(exit.stderr()).isZero();
        assertThat(exit.stdout()).matches("runwarden selftest passed: ready in \\d+ ms, a run reported over HTTP, read back "
                + "and swept; all in \\d+ ms\n");
        // (stderr is not asserted: on a loaded machine it may hold the embedded controller's own complaints)
        // its broker, state and lock were in a temporary directory of its own, deleted; the configured one is untouched
        assertThat(selftestDirectories(tmp)).isEmpty();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aSelftestStoppedMidwayStillLeavesNothingBehind() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Process selftest = start(List.of("-Djava.io.tmpdir=" + tmp), "selftest");
        try {
            // stopped (SIGTERM, as Ctrl-C or a build's timeout would) once its broker has written its logs
            await().atMost(CEILING).pollInterval(Duration.ofMillis(50)).until(() -> selftestDirectories(tmp).stream()
                    .anyMatch(selftestDir -> Files.isDirectory(selftestDir.resolve("kafka").resolve("__cluster_metadata-0"))));
            selftest.destroy();
            assertThat(selftest.waitFor(CEILING.toSeconds(), TimeUnit.SECONDS)).isTrue();
        } finally {
            selftest.destroyForcibly();
        }
        assertThat(selftestDirectories(tmp)).isEmpty();
    }

    @Test
    void aSelftestThatCannotRunSaysWhyAndExitsOne() throws Exception {
        Exit exit = run(List.of("-Djava.io.tmpdir=" + dir.resolve("no-such-dir")), "selftest");
        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.stdout()).isEmpty();
        assertThat(exit.stderr()).startsWith("runwarden selftest failed: ").contains("no-such-dir");
    }

    private Exit run(String... args) throws IOException, InterruptedException {
        return run(List.of(), args);
    }

    private static List<Path> selftestDirectories(Path tmp) throws IOException {
        try (var entries = Files.list(tmp)) {
            return entries.filter(path -> path.getFileName().toString().startsWith("runwarden-selftest")).toList();
        }
    }

    /** Runs Main with {@code args} until it exits. */
    private Exit run(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        Process process = start(jvmOptions, args);
        try {
            assertThat(process.waitFor(CEILING.toSeconds(), TimeUnit.SECONDS))
                    .as("runwarden " + String.join(" ", args) + " exits; it printed " + Files.readString(stdout())).isTrue();
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        return new Exit(process.exitValue(), Files.readString(stdout()), Files.readString(stderr()));
    }

    /**
     * Starts Main with {@code args} in an empty working directory. The data dir and ports are set anyway: should the
     * arguments start a service after all, it must not take ports or files another test uses.
     */
    private Process start(List<String> jvmOptions, String... args) throws IOException {
        // 512 MB: the selftest runs a broker, whose log cleaner alone takes 128 MB of heap; with 256 MB the old generation
        // of the serial collector stayed full
        List<String> command = TestJvm.command("512m", Main.class, jvmOptions.toArray(String[]::new));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(stdout().toFile()).redirectError(stderr().toFile());
        builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        builder.environment().put("RUNWARDEN_DATA_DIR", dir.resolve("data").toString());
        builder.environment().put("RUNWARDEN_EMBEDDED_KAFKA_PORT", "0");
        builder.environment().put("RUNWARDEN_HTTP_PORT", "0");
        return builder.start();
    }

    private Path stdout() {
        return dir.resolve("stdout.txt");
    }

    private Path stderr() {
        return dir.resolve("stderr.txt");
    }

    /** The project's own version, as the build knows it, so that the test proves it is not written in Java. */
    private static String pomVersion() throws IOException {
        Matcher version = Pattern.compile("<artifactId>runwarden</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(version.find()).isTrue();
        return version.group(1);
    }
}
