package io.runwarden.bench;

import io.runwarden.ReadmeCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** A child process of the benchmark (broker, runwarden, the minimal app), its output in a log file. */
final class Proc implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Process process;
    private final Path log;

    private Proc(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Proc start(List<String> command, Map<String, String> env, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            return new Proc(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JVM on the benchmark's own classpath (test classes and every dependency). */
    static List<String> java(Class<?> main, String... args) {
        return java(List.of(), main, args);
    }

    static List<String> java(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(javaBin()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** The options of a system property, split at spaces: none when it is not set. */
    static List<String> options(String property) {
        String options = System.getProperty(property, "").trim();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    /**
     * runwarden exactly as the README runs it (the JVM options of its run command), with {@code bench.jvmOptions} (e.g.
     * to record a JFR profile) if given.
     */
    static List<String> runwardenJar() {
        List<String> command = new ArrayList<>(List.of(javaBin()));
        command.addAll(ReadmeCommand.jvmOptions());
        command.addAll(options("bench.jvmOptions"));
        command.addAll(List.of("-jar", Path.of("target", "runwarden.jar").toAbsolutePath().toString()));
        return command;
    }

    void awaitLine(String text, Duration timeout) {
        await(timeout, () -> {
            try {
                return Files.exists(log) && Files.readString(log).contains(text);
            } catch (IOException e) {
                return false;
            }
        });
    }

    void awaitHttpOk(int port, String path, Duration timeout) {
        await(timeout, () -> httpStatus(port, path) == 200);
    }

    static int httpStatus(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Resident memory in bytes, as the kernel counts it. */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            throw new IllegalStateException("no VmRSS for " + process.pid());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the process has used under a tenth of a core for a whole second (up to {@code timeout}): a broker
     * goes on cleaning and compacting after a run, and whichever app drains next would pay for it.
     */
    void awaitQuiet(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long before = cpuTicks();
        do {
            sleep(1_000);
            long now = cpuTicks();
            if (now - before < 10) { // clock ticks are 1/100 s: under 0.1 s of CPU in the last second
                return;
            }
            before = now;
        } while (System.nanoTime() < deadline);
        System.out.println("the process " + process.pid() + " was still busy after " + timeout + "; measuring anyway");
    }

    /**
     * CPU time by thread, in clock ticks, the threads of one name (digits masked: "C2 CompilerThre#") together. Names
     * are the kernel's, cut at 15 characters.
     */
    Map<String, Long> threadCpuTicks() {
        Map<String, Long> ticks = new java.util.HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(process.pid()), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                } catch (IOException | RuntimeException ended) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ticks;
    }

    /** Runs {@code jcmd} against the process (e.g. to start or stop a JFR recording), and waits for it. */
    void jcmd(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(javaBin()).resolveSibling("jcmd").toString(),
                String.valueOf(process.pid())));
        command.addAll(List.of(arguments));
        new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    /** User and system CPU time of the process in clock ticks ({@code /proc/<pid>/stat}, fields 14 and 15). */
    long cpuTicks() {
        try {
            String stat = Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "stat")).get(0);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("process exited with " + process.exitValue() + ", see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not ready within " + timeout + ", see " + log);
            }
            sleep(50);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM and wait: a clean stop, as an operator stops it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
