package io.runwarden;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.config.Settings;
import io.runwarden.kafka.LoopbackPorts;
import io.runwarden.model.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * {@code selftest}: a throwaway service (the embedded broker, a temporary data directory, free loopback ports) takes a
 * run's start and end over HTTP, serves the run back, sweeps, and stops. It proves that this machine runs runwarden;
 * the build runs it to record the classes a start loads in the class data archive that the README's command maps.
 */
public final class SelfTest {
    /** For each step, on 2 busy cores: a start takes about 6 s. */
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    /** For all of it: a selftest that hangs (a build waiting on it, say) fails instead. */
    private static final Duration DEADLINE = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(50);
    /** How long an exit waits for a start under way to end, so that it can stop the service before deleting its files. */
    private static final Duration START_UNDER_WAY = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    private SelfTest(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /**
     * @return the exit code: 0 passed, 1 failed (the reason on {@code err}). Interrupted (Ctrl-C) or past
     * {@link #DEADLINE}, the process exits: its shutdown hook stops the service and deletes the directory.
     */
    public static int run(PrintStream out, PrintStream err) {
        long began = System.nanoTime();
        Scratch scratch;
        try {
            scratch = new Scratch(Files.createTempDirectory("runwarden-selftest"));
        } catch (IOException | RuntimeException e) {
            err.println("runwarden selftest failed: " + e);
            return 1;
        }
        Thread cleanUp = new Thread(() -> scratch.stop(START_UNDER_WAY), "runwarden-selftest-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        Thread deadline = new Thread(() -> {
            try {
                Thread.sleep(DEADLINE.toMillis());
                err.println("runwarden selftest failed: not done within " + DEADLINE);
                System.exit(1);
            } catch (InterruptedException done) {
                // passed or failed in time
            }
        }, "runwarden-selftest-deadline");
        deadline.setDaemon(true);
        deadline.start();
        try {
            Settings settings = Settings.fromEnv(Map.of("RUNWARDEN_DATA_DIR", scratch.dir.toString(),
                    "RUNWARDEN_EMBEDDED_KAFKA_PORT", String.valueOf(LoopbackPorts.free()), "RUNWARDEN_HTTP_PORT", "0"));
            RunwardenService service = scratch.start(settings);
            long ready = System.nanoTime();
            new SelfTest(service.httpPort()).reportReadAndSweep();
            scratch.stop(START_UNDER_WAY);
            out.printf("runwarden selftest passed: ready in %d ms, a run reported over HTTP, read back and swept; all in %d ms%n",
                    (ready - began) / 1_000_000, (System.nanoTime() - began) / 1_000_000);
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("runwarden selftest failed: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("runwarden selftest interrupted");
            return 1;
        } finally {
            deadline.interrupt();
            scratch.stop(START_UNDER_WAY);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            } catch (IllegalStateException exiting) {
                // the hook runs anyway, and finds nothing left to do
            }
        }
    }

    /**
     * The throwaway service and its directory. A stop (the end, Ctrl-C, the deadline) waits for a start under way:
     * deleting the directory under a broker still starting left it behind, the broker writing into it again. A start
     * after a stop does not happen.
     */
    private static final class Scratch {
        private final ReentrantLock lock = new ReentrantLock();
        private final Path dir;
        private RunwardenService service;
        private boolean stopped;

        Scratch(Path dir) {
            this.dir = dir;
        }

        RunwardenService start(Settings settings) {
            lock.lock();
            try {
                if (stopped) {
                    throw new IllegalStateException("stopped before its service started");
                }
                service = RunwardenService.start(settings);
                return service;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Stops the service if it runs and deletes the directory; a later call finds nothing to stop. A start that
         * outlasts {@code patience} is not waited for.
         */
        void stop(Duration patience) {
            boolean locked = false;
            try {
                locked = lock.tryLock(patience.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                stopped = true;
                if (service != null) {
                    service.close();
                    service = null;
                }
                deleteQuietly(dir);
            } finally {
                if (locked) {
                    lock.unlock();
                }
            }
        }
    }

    private void reportReadAndSweep() throws IOException, InterruptedException {
        String runId = "selftest-" + UUID.randomUUID();
        succeeded(send("POST", "/script/runs", "{\"scriptName\":\"selftest\",\"runId\":\"" + runId + "\"}"));
        succeeded(send("POST", "/script/runs/" + runId + "/succeeded", "{\"message\":\"selftest\"}"));
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (status(send("GET", "/script/logs/" + runId, null)) != 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("run " + runId + " was not applied as succeeded within " + PATIENCE);
            }
            Thread.sleep(POLL.toMillis());
        }
        succeeded(send("POST", "/script/cleanup-stale", null));
    }

    private HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(PATIENCE)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void succeeded(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(response.request().method() + " " + response.uri().getPath() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
    }

    /** The run's status, or -2 while it is not there yet. */
    private static int status(HttpResponse<String> response) throws IOException {
        if (response.statusCode() == 404) {
            return -2;
        }
        succeeded(response);
        JsonNode status = Json.MAPPER.readTree(response.body()).path("data").path("status");
        return status.isInt() ? status.asInt() : -2;
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory: the system cleans it up in the end
        }
    }
}
