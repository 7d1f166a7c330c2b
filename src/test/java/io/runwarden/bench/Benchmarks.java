package io.runwarden.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.BrokerProcess;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks of issue 5, side by side with their baselines, each measured in the same run on the same machine.
 * Run by {@code bench/run}; prints the table and writes it into {@code docs/benchmarks.md}.
 * System properties: {@code bench.repeats} (default 3), {@code bench.scale} (default 1.0, smaller for a quick look),
 * {@code bench.only} (a part of the benchmarks, for a quick look; the file is written only after a full run).
 */
public final class Benchmarks {
    /** Which parts to run: {@code start} (B5's start), {@code ingest} (B1), {@code scale} (B2, B3, B4, B5's memory). */
    private static final List<String> ONLY = List.of(System.getProperty("bench.only", "start,ingest,scale").split(","));
    private static final int REPEATS = Integer.getInteger("bench.repeats", 3);
    private static final double SCALE = Double.parseDouble(System.getProperty("bench.scale", "1.0"));
    private static final int INGEST_RUNS = scaled(100_000);
    private static final int SMALL_N = scaled(100_000);
    private static final int LARGE_N = scaled(1_000_000);
    private static final int STALE_K = scaled(10_000);
    private static final Duration STALE_AFTER = Duration.ofDays(3);
    private static final Duration LONG = Duration.ofMinutes(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Path work;
    private final Report report = new Report();

    private Benchmarks(Path work) {
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("runwarden-bench");
        Benchmarks bench = new Benchmarks(work);
        long began = System.nanoTime();
        if (ONLY.contains("start")) {
            bench.footprintStart();
        }
        if (ONLY.contains("ingest")) {
            bench.ingest();
        }
        if (ONLY.contains("scale")) {
            bench.atScale();
        }
        bench.report.finish(Duration.ofNanos(System.nanoTime() - began), SCALE, REPEATS);
        System.out.println(bench.report.markdown());
        if (ONLY.size() == 3 && SCALE == 1.0) {
            bench.report.writeInto(Path.of("docs", "benchmarks.md"));
            System.out.println("written to docs/benchmarks.md");
        }
        System.out.println("the processes' logs are in " + work);
    }

    /** B5, first half: start to ready with the embedded broker, on a fresh data directory each time. */
    private void footprintStart() {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < REPEATS; i++) {
            int http = Proc.freePort();
            long began = System.nanoTime();
            try (Proc service = Proc.start(Proc.runwardenJar(), Map.of("RUNWARDEN_DATA_DIR", work.resolve("b5-" + i).toString(),
                    "RUNWARDEN_EMBEDDED_KAFKA_PORT", String.valueOf(Proc.freePort()), "RUNWARDEN_HTTP_PORT", String.valueOf(http)),
                    work.resolve("logs/b5-" + i + ".log"))) {
                service.awaitHttpOk(http, "/ready", Duration.ofMinutes(3));
                seconds.add(elapsedSeconds(began));
            }
            progress("B5 start to ready #" + i + ": " + last(seconds) + " s");
        }
        report.startToReady(new Stats(seconds));
    }

    /** B1: one backlog of whole runs, drained by runwarden, by the minimal Streams app, and read raw. */
    private void ingest() throws Exception {
        try (Broker broker = broker("b1"); BenchKafka kafka = new BenchKafka(broker.bootstrap())) {
            kafka.createTopics();
            long events = new Workload(kafka).completeRuns("run-", INGEST_RUNS, Instant.now());
            progress("B1 produced " + events + " events");
            List<Double> runwarden = new ArrayList<>();
            List<Double> minimal = new ArrayList<>();
            List<Double> raw = new ArrayList<>();
            for (int i = 0; i < REPEATS; i++) {
                String app = "bench-rw-" + i;
                int http = Proc.freePort();
                try (Proc service = Proc.start(Proc.runwardenJar(), runwardenEnv(kafka, app, "b1-rw-" + i, http),
                        work.resolve("logs/b1-rw-" + i + ".log"))) {
                    runwarden.add(drainRate(kafka, app, events));
                }
                progress("B1 runwarden #" + i + ": " + last(runwarden) + " events/s");
                String minimalApp = "bench-minimal-" + i;
                kafka.createTopic("minimal-out-" + i, 6);
                try (Proc app2 = Proc.start(Proc.java(MinimalStreamsApp.class, kafka.bootstrap(), minimalApp,
                        work.resolve("b1-min-" + i).toString(), Topics.SCRIPT_EVENTS, "minimal-out-" + i), Map.of(),
                        work.resolve("logs/b1-min-" + i + ".log"))) {
                    minimal.add(drainRate(kafka, minimalApp, events));
                }
                progress("B1 minimal app #" + i + ": " + last(minimal) + " events/s");
                long began = System.nanoTime();
                long read = kafka.readAll(List.of(Topics.SCRIPT_EVENTS));
                raw.add(read / elapsedSeconds(began));
                progress("B1 raw consumer #" + i + ": " + last(raw) + " events/s");
            }
            report.ingest(events, new Stats(runwarden), new Stats(minimal), new Stats(raw));
        }
    }

    /**
     * Events/s from the group's first commit to the commit of the last event: the sustained rate at which events are
     * applied and their output committed, start-up excluded.
     */
    private static double drainRate(BenchKafka kafka, String group, long events) {
        long deadline = System.nanoTime() + LONG.toNanos();
        long firstCommitted;
        while ((firstCommitted = kafka.committed(group, Topics.SCRIPT_EVENTS)) == 0) {
            check(deadline, group);
            Proc.sleep(20);
        }
        long began = System.nanoTime();
        while (kafka.committed(group, Topics.SCRIPT_EVENTS) < events) {
            check(deadline, group);
            Proc.sleep(20);
        }
        return (events - firstCommitted) / elapsedSeconds(began);
    }

    /** B2, B3, B4 and B5's memory: one runwarden on its own broker, filled to 100k runs, then to 1M. */
    private void atScale() throws Exception {
        Instant now = Instant.now();
        try (Postgres postgres = Postgres.start(work.resolve("pg"));
             Broker broker = broker("b2");
             BenchKafka kafka = new BenchKafka(broker.bootstrap())) {
            kafka.createTopics();
            report.postgresVersion(postgres.version());
            Workload workload = new Workload(kafka);
            String app = "bench";
            int http = Proc.freePort();
            Map<String, String> env = runwardenEnv(kafka, app, "b2-rw", http);
            Proc service = Proc.start(Proc.runwardenJar(), env, work.resolve("logs/b2-rw.log"));
            try {
                service.awaitHttpOk(http, "/ready", Duration.ofMinutes(3));
                long loadBegan = System.nanoTime();
                workload.storedRuns("stored-", 0, SMALL_N - STALE_K, now);
                kafka.awaitCaughtUp(app, Topics.SCRIPT_EVENTS, LONG);
                progress("B2 loaded " + SMALL_N + " runs in " + elapsedSeconds(loadBegan) + " s");
                Stats smallRw = sweeps(kafka, workload, app, http, "small");
                postgres.load(SMALL_N - STALE_K, Workload.SCRIPTS, now);
                Stats smallPg = postgresSweeps(postgres, "small");

                loadBegan = System.nanoTime();
                workload.storedRuns("stored-", SMALL_N - STALE_K, LARGE_N - STALE_K, now);
                kafka.awaitCaughtUp(app, Topics.SCRIPT_EVENTS, LONG);
                double loadSeconds = elapsedSeconds(loadBegan);
                long loadEvents = kafka.endOffsets(Topics.SCRIPT_EVENTS);
                progress("B2 loaded " + LARGE_N + " runs in " + loadSeconds + " s");
                Stats largeRw = sweeps(kafka, workload, app, http, "large");
                postgres.load(LARGE_N - STALE_K, Workload.SCRIPTS, now);
                Stats largePg = postgresSweeps(postgres, "large");
                report.sweeps(SMALL_N, LARGE_N, STALE_K, smallRw, largeRw, smallPg, largePg);

                reads(http);
                report.memory(service.rssBytes(), LARGE_N);
            } finally {
                service.close();
            }
            recovery(kafka, env, app, http);
        }
    }

    /** Each repetition adds K runs past their deadline, waits until they are applied, then times the sweep over HTTP. */
    private Stats sweeps(BenchKafka kafka, Workload workload, String app, int http, String label) throws Exception {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < REPEATS; i++) {
            workload.staleRuns("stale-" + label + "-" + i + "-", STALE_K, Instant.now().minus(Duration.ofDays(4)));
            kafka.awaitCaughtUp(app, Topics.SCRIPT_EVENTS, LONG);
            long began = System.nanoTime();
            JsonNode result = post(http, "/script/cleanup-stale?timeout=PT5M");
            seconds.add(elapsedSeconds(began));
            int updated = result.path("data").path("totalLogsUpdated").asInt(-1);
            if (updated != STALE_K) {
                throw new IllegalStateException("the sweep failed " + updated + " runs, not " + STALE_K + ": " + result);
            }
            progress("B2 runwarden sweep " + label + " #" + i + ": " + last(seconds) + " s");
        }
        return new Stats(seconds);
    }

    private Stats postgresSweeps(Postgres postgres, String label) throws Exception {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < REPEATS; i++) {
            List<String> ids = new ArrayList<>();
            for (int j = 0; j < STALE_K; j++) {
                ids.add("stale-" + label + "-" + i + "-" + j);
            }
            postgres.addStale(ids, Workload.SCRIPTS, Instant.now().minus(Duration.ofDays(4)));
            Postgres.Sweep sweep = postgres.sweep(STALE_AFTER);
            if (sweep.failed() != STALE_K) {
                throw new IllegalStateException("PostgreSQL failed " + sweep.failed() + " runs, not " + STALE_K);
            }
            seconds.add(sweep.took().toNanos() / 1e9);
            progress("B2 PostgreSQL sweep " + label + " #" + i + ": " + last(seconds) + " s");
        }
        return new Stats(seconds);
    }

    /** B3: wrk on each page, and on /health of the same server as the baseline. */
    private void reads(int http) throws Exception {
        String base = "http://127.0.0.1:" + http;
        Path byScript = Wrk.scriptNameRotation(work, Workload.SCRIPTS);
        record Target(String name, String path, Path lua) {
        }
        List<Target> targets = List.of(new Target("GET /health", "/health", null),
                new Target("GET /script/logs?limit=100", "/script/logs?limit=100", null),
                new Target("GET /script/logs?scriptName=…&limit=50", "/script/logs", byScript),
                new Target("GET /script/dashboard-view", "/script/dashboard-view", null));
        for (Target target : targets) {
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            List<Double> rps = new ArrayList<>();
            long errors = 0;
            for (int i = 0; i < REPEATS; i++) {
                Wrk.Result r = Wrk.run(base + target.path(), 4, 10, target.lua());
                p50.add(r.p50Millis());
                p99.add(r.p99Millis());
                rps.add(r.requestsPerSecond());
                errors += r.errors();
                progress("B3 " + target.name() + " #" + i + ": " + r);
            }
            report.reads(target.name(), new Stats(p50), new Stats(p99), new Stats(rps), errors);
        }
    }

    /** B4: wipe the local state, start again, time to ready; against reading the same changelogs with a plain consumer. */
    private void recovery(BenchKafka kafka, Map<String, String> env, String app, int http) throws Exception {
        List<String> changelogs = kafka.topics(app + "-", "-changelog");
        List<Double> restore = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        long records = 0;
        for (int i = 0; i < REPEATS; i++) {
            deleteTree(Path.of(env.get("RUNWARDEN_DATA_DIR")).resolve("streams"));
            long began = System.nanoTime();
            try (Proc service = Proc.start(Proc.runwardenJar(), env, work.resolve("logs/b4-" + i + ".log"))) {
                service.awaitHttpOk(http, "/ready", LONG);
                restore.add(elapsedSeconds(began));
                JsonNode logs = get(http, "/script/logs?limit=1");
                if (logs.path("data").path("logs").isEmpty()) {
                    throw new IllegalStateException("ready after the wipe, but no runs: " + logs);
                }
            }
            progress("B4 restore #" + i + ": " + last(restore) + " s");
            began = System.nanoTime();
            records = kafka.readAll(changelogs);
            raw.add(elapsedSeconds(began));
            progress("B4 raw read of " + records + " changelog records #" + i + ": " + last(raw) + " s");
        }
        report.recovery(LARGE_N, changelogs, records, new Stats(restore), new Stats(raw));
    }

    /** A broker in a process of its own, so that its CPU and memory are not counted as runwarden's. */
    private record Broker(Proc proc, String bootstrap) implements AutoCloseable {
        @Override
        public void close() {
            proc.close();
        }
    }

    private Broker broker(String name) {
        int port = Proc.freePort();
        Proc broker = Proc.start(Proc.java(BrokerProcess.class, work.resolve(name + "-broker").toString(), String.valueOf(port)),
                Map.of(), work.resolve("logs/" + name + "-broker.log"));
        broker.awaitLine("BROKER READY", Duration.ofMinutes(2));
        return new Broker(broker, "127.0.0.1:" + port);
    }

    /** runwarden's environment; {@code bench.env} adds to it (e.g. RUNWARDEN_KAFKA_COMMIT_INTERVAL_MS=1000) to weigh a setting. */
    private Map<String, String> runwardenEnv(BenchKafka kafka, String app, String dir, int http) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrap(),
                "RUNWARDEN_APPLICATION_ID", app, "RUNWARDEN_DATA_DIR", work.resolve(dir).toString(),
                "RUNWARDEN_HTTP_PORT", String.valueOf(http)));
        for (String pair : System.getProperty("bench.env", "").split(",")) {
            if (pair.contains("=")) {
                env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        return env;
    }

    private static JsonNode post(int port, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static JsonNode get(int port, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
    }

    private static JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return Json.MAPPER.readTree(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()).body());
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void check(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(what + " did not finish within " + LONG);
        }
    }

    private static double elapsedSeconds(long began) {
        return (System.nanoTime() - began) / 1e9;
    }

    private static String last(List<Double> values) {
        return Stats.fmt(values.get(values.size() - 1), 2);
    }

    private static int scaled(int value) {
        return (int) Math.round(value * SCALE);
    }

    private static void progress(String line) {
        System.out.println(Instant.now() + " " + line);
    }
}
