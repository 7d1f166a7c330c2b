package io.runwarden;

import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** A JVM started from the test's classpath, its output in a log file, killed or stopped like a real process. */
final class JavaProcess {
    private final String main;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    private final String readyLine;
    private Process process;
    private int starts;

    JavaProcess(Class<?> main, List<String> args, Map<String, String> env, Path log, String readyLine) {
        this.main = main.getSimpleName();
        this.command = TestJvm.command("512m", main);
        this.command.addAll(args);
        this.env = env;
        this.log = log;
        this.readyLine = readyLine;
    }

    /** Starts (again) and waits for its ready line, at most {@code timeout}: a {@link Patience} ceiling. */
    JavaProcess start(Duration timeout) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            long readyBefore = readyLines();
            process = builder.start();
            starts++;
            try {
                await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError(main + " exited with " + process.exitValue() + "; its log ends:\n" + logTail());
                    }
                    return readyLines() > readyBefore;
                });
            } catch (ConditionTimeoutException e) {
                // the log is in a temporary folder that is gone by the time anyone reads the report
                throw new AssertionError(main + " not ready after " + timeout + "; its log ends:\n" + logTail(), e);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last 60 lines of the log, each cut at 400 characters. */
    private String logTail() throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        List<String> tail = lines.subList(Math.max(0, lines.size() - 60), lines.size());
        return String.join("\n", tail.stream().map(l -> l.length() > 400 ? l.substring(0, 400) + "…" : l).toList());
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye; returns once the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(Patience.KILL.toMillis(), TimeUnit.MILLISECONDS)) {
            // a start now would race the old process for its ports and its state directory's lock
            throw new AssertionError(command + " still alive " + Patience.KILL + " after SIGKILL, see " + log);
        }
    }

    /** SIGTERM, then wait for a clean exit; SIGKILL if it does not come. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(Patience.STOP.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
    }

    /**
     * SIGSTOP, {@code stall}, SIGCONT: the whole JVM frozen as a loaded host, a long collection or a suspended VM freezes
     * it, while the broker's clock goes on.
     */
    void freeze(Duration stall) throws IOException, InterruptedException {
        signal("-STOP");
        try {
            Thread.sleep(stall.toMillis()); // the stall is the scenario, not a wait for a condition
        } finally {
            signal("-CONT");
        }
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill " + signal + " " + process.pid() + " failed");
        }
    }

    /** Waits for the process to exit by itself and gives its exit status. */
    int exitStatus(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(command + " still running after " + within + ", see " + log);
        }
        return process.exitValue();
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    int starts() {
        return starts;
    }

    private long readyLines() throws IOException {
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains(readyLine)).count() : 0;
    }
}
