package io.runwarden.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.BrokerProcess;
import io.runwarden.kafka.StreamsProperties;
import io.runwarden.kafka.TopicSpec;
import io.runwarden.kafka.Topics;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.Json;
import io.runwarden.runs.LocalRuns;
import java.nio.charset.StandardCharsets;
import io.runwarden.schedule.MissedSlot;
import io.runwarden.schedule.StartCheck;
import io.runwarden.schedule.StartChecks;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks of issue 5 and issue 12's missed-start checks (B6), side by side with their baselines, each measured in
 * the same run on the same machine.
 * Run by {@code bench/run}; prints the table and writes it into {@code docs/benchmarks.md}.
 * System properties: {@code bench.repeats} (default 3), {@code bench.scale} (default 1.0, smaller for a quick look),
 * {@code bench.only} (a part of the benchmarks, for a quick look; the file is written only after a full run),
 * {@code bench.keep} (keep the data at the end), {@code bench.jvmOptions} and {@code bench.baselineJvmOptions} (more JVM
 * options for runwarden and for B1's minimal apps, e.g. a JFR recording or another collector).
 */
public final class Benchmarks {
    /**
     * Which parts to run: {@code start} (B5's start), {@code ingest} (B1), {@code scale} (B2, B3, B4, B5's memory),
     * {@code checks} (B6), {@code notify} (B7), {@code report} (B8); and, outside the table, {@code sweeps}: B2's sweeps
     * at N = 100,000 only, printed, to profile a change to the sweep in a few minutes.
     */
    private static final List<String> ALL = List.of("start", "ingest", "scale", "checks", "notify", "report");
    private static final List<String> ONLY = List.of(System.getProperty("bench.only", String.join(",", ALL)).split(","));
    private static final Map<String, String> BENCH_ENV = benchEnv();
    private static final int REPEATS = Integer.getInteger("bench.repeats", 3);
    /** {@code bench.keep}: keep the brokers' and services' data (to profile a part again on the same data). */
    private static final boolean KEEP_DATA = Boolean.getBoolean("bench.keep");
    private static final double SCALE = Double.parseDouble(System.getProperty("bench.scale", "1.0"));
    private static final int INGEST_RUNS = scaled(100_000);
    private static final int SMALL_N = scaled(100_000);
    private static final int LARGE_N = scaled(1_000_000);
    private static final int STALE_K = scaled(10_000);
    static final Duration STALE_AFTER = Duration.ofDays(3);
    /** B7: failures sent, and how many a second. */
    private static final int NOTIFY_ALERTS = 300;
    private static final int NOTIFY_PER_SECOND = 5;
    /** B6: scripts expected every minute, and the grace of each slot. */
    private static final int SCHEDULED = scaled(10_000);
    private static final Duration START_GRACE = Duration.ofSeconds(30);
    /** B6: one script in this many has no run in a minute (another one each minute), so checks find missed slots too. */
    private static final int MISS_EVERY = 10;
    /** B6: minutes of checks measured. */
    private static final int CHECK_MINUTES = REPEATS;
    /**
     * B6: minutes of checks before those, not counted. A tick's work runs once a minute, and the JIT compiles it only
     * over the first few: the hop-by-hop probe timed a tick's own work at 85, 30, 15 and 7 ms in its first four minutes,
     * each partition's answer at 30, 8, 8 and 3 ms. The figure is of a service that has run for a while, as the sweep's.
     */
    private static final int CHECK_WARM_UPS = 2;
    private static final String CHECK_METRIC = "runwarden_start_check_duration_seconds";
    private static final String MISSED_METRIC = "runwarden_missed_slots_total";
    private static final Duration LONG = Duration.ofMinutes(20);
    /** How long a drain waits for the broker to go quiet after the previous one (see {@link Proc#awaitQuiet}). */
    private static final Duration QUIET = Duration.ofMinutes(1);
    /** B3: the scripts of the 10,000 that have a schedule when the dashboard is read. */
    private static final int SCHEDULED_SCRIPTS = scaled(1_000);
    /** B8: wrk's connections, seconds a measure, and the scripts the runs are spread over. */
    private static final int REPORT_CONNECTIONS = 64;
    private static final int REPORT_SECONDS = 10;
    private static final int REPORT_SCRIPTS = 100;
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
        bench.report.jar(Files.size(Path.of("target", "runwarden.jar")));
        try {
            bench.runParts();
        } finally {
            if (!KEEP_DATA) {
                deleteData(work);
            }
        }
        bench.report.finish(Duration.ofNanos(System.nanoTime() - began), SCALE, REPEATS);
        System.out.println(bench.report.markdown());
        if (ONLY.containsAll(ALL) && SCALE == 1.0) {
            bench.report.writeInto(Path.of("docs", "benchmarks.md"));
            System.out.println("written to docs/benchmarks.md");
        }
        System.out.println("the processes' logs are in " + work);
    }

    private void runParts() throws Exception {
        if (ONLY.contains("start")) {
            footprintStart();
        }
        if (ONLY.contains("ingest")) {
            ingest();
        }
        if (ONLY.contains("scale")) {
            atScale();
        }
        if (ONLY.contains("sweeps")) {
            sweepsOnly();
        }
        if (ONLY.contains("checks")) {
            startChecks();
        }
        if (ONLY.contains("notify")) {
            notifyLatency();
        }
        if (ONLY.contains("report")) {
            httpReporting();
        }
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
            List<Double> json = new ArrayList<>();
            List<Double> sized = new ArrayList<>();
            List<Double> raw = new ArrayList<>();
            int partitions = TopicSpec.named(Topics.SCRIPT_EVENTS).partitions();
            // the baseline runs as many stream threads as runwarden does
            String threads = BENCH_ENV.getOrDefault("RUNWARDEN_KAFKA_NUM_STREAM_THREADS",
                    String.valueOf(StreamsProperties.streamThreads(partitions)));
            for (int i = 0; i < REPEATS; i++) {
                String app = "bench-rw-" + i;
                int http = Proc.freePort();
                broker.proc().awaitQuiet(QUIET);
                try (Proc service = Proc.start(Proc.runwardenJar(), runwardenEnv(kafka, app, "b1-rw-" + i, http),
                        work.resolve("logs/b1-rw-" + i + ".log"))) {
                    runwarden.add(drainRate(kafka, app, events, service, broker.proc()));
                }
                progress("B1 runwarden #" + i + ": " + last(runwarden) + " events/s");
                minimal.add(baseline(broker, kafka, "minimal", i, threads, partitions, events));
                json.add(baseline(broker, kafka, "json", i, threads, partitions, events));
                sized.add(baseline(broker, kafka, "sized", i, threads, partitions, events));
                broker.proc().awaitQuiet(QUIET);
                long began = System.nanoTime();
                long read = kafka.readAll(List.of(Topics.SCRIPT_EVENTS));
                raw.add(read / elapsedSeconds(began));
                progress("B1 raw consumer #" + i + ": " + last(raw) + " events/s");
            }
            report.ingest(events, threads, new Stats(runwarden), new Stats(minimal), new Stats(raw));
            report.ingestFloor(new Stats(runwarden), new Stats(minimal), new Stats(json), new Stats(sized));
        }
    }

    /** The minimal app ({@link MinimalStreamsApp}), or a variant of it for B1's floors, drains the same events, events/s. */
    private double baseline(Broker broker, BenchKafka kafka, String variant, int i, String threads, int partitions,
                            long events) throws Exception {
        String app = "bench-" + variant + "-" + i;
        kafka.createTopic(app + "-out", partitions);
        broker.proc().awaitQuiet(QUIET);
        List<String> command = Proc.java(Proc.options("bench.baselineJvmOptions"), MinimalStreamsApp.class,
                kafka.bootstrap(), app, work.resolve(app).toString(), Topics.SCRIPT_EVENTS, app + "-out", threads, variant);
        try (Proc baseline = Proc.start(command, Map.of(), work.resolve("logs/" + app + ".log"))) {
            double rate = drainRate(kafka, app, events, baseline, broker.proc());
            progress("B1 " + variant + " app #" + i + ": " + Stats.fmt(rate, 2) + " events/s");
            return rate;
        }
    }

    /**
     * Events/s from the group's first commit to the commit of the last event: the sustained rate at which events are
     * applied and their output committed, start-up excluded.
     */
    private static double drainRate(BenchKafka kafka, String group, long events, Proc app, Proc broker) {
        long deadline = System.nanoTime() + LONG.toNanos();
        long firstCommitted;
        while ((firstCommitted = kafka.committed(group, Topics.SCRIPT_EVENTS)) == 0) {
            check(deadline, group);
            Proc.sleep(20);
        }
        long began = System.nanoTime();
        long appTicks = app.cpuTicks();
        long brokerTicks = broker.cpuTicks();
        while (kafka.committed(group, Topics.SCRIPT_EVENTS) < events) {
            check(deadline, group);
            Proc.sleep(20);
        }
        // CPU a event is steadier than a rate on a shared machine: it tells changes of a few percent apart
        long drained = events - firstCommitted;
        progress("B1 " + group + " CPU a event over the drain: the app " + Stats.fmt((app.cpuTicks() - appTicks) * 1e4 / drained, 1)
                + " µs, the broker " + Stats.fmt((broker.cpuTicks() - brokerTicks) * 1e4 / drained, 1) + " µs");
        return drained / elapsedSeconds(began);
    }

    /** B4: the same service's first start on the same broker, with nothing to restore, s. */
    private double emptyStart;

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
            long startBegan = System.nanoTime();
            Proc service = Proc.start(Proc.runwardenJar(), env, work.resolve("logs/b2-rw.log"));
            try {
                service.awaitHttpOk(http, "/ready", Duration.ofMinutes(3));
                emptyStart = elapsedSeconds(startBegan);
                long loadBegan = System.nanoTime();
                workload.storedRuns("stored-", 0, SMALL_N - STALE_K, now);
                kafka.awaitCaughtUp(app, Topics.SCRIPT_EVENTS, LONG);
                progress("B2 loaded " + SMALL_N + " runs in " + elapsedSeconds(loadBegan) + " s");
                Stats smallRw = sweeps(kafka, workload, app, http, "B2", "small", 0).http();
                postgres.load(SMALL_N - STALE_K, Workload.SCRIPTS, now);
                Stats smallPg = postgresSweeps(postgres, "small");

                loadBegan = System.nanoTime();
                workload.storedRuns("stored-", SMALL_N - STALE_K, LARGE_N - STALE_K, now);
                kafka.awaitCaughtUp(app, Topics.SCRIPT_EVENTS, LONG);
                double loadSeconds = elapsedSeconds(loadBegan);
                long loadEvents = kafka.endOffsets(Topics.SCRIPT_EVENTS);
                progress("B2 loaded " + LARGE_N + " runs in " + loadSeconds + " s");
                Stats largeRw = sweeps(kafka, workload, app, http, "B2", "large", 0).http();
                Stats emptyRw = emptySweeps(http);
                Stats writes;
                Stats contractWrites;
                try (WriteFloor floor = new WriteFloor(kafka, broker.bootstrap(),
                        TopicSpec.named(Topics.SCRIPT_EVENTS).partitions())) {
                    writes = writeFloor(floor, floor.records(), true, "its five records and the outcomes' arrays");
                    contractWrites = writeFloor(floor, floor.contractRecords(), false, "the contract's three records");
                }
                postgres.load(LARGE_N - STALE_K, Workload.SCRIPTS, now);
                Stats largePg = postgresSweeps(postgres, "large");
                report.sweeps(SMALL_N, LARGE_N, STALE_K, smallRw, largeRw, smallPg, largePg);
                report.emptySweeps(LARGE_N, emptyRw, largePg);
                report.writeFloor(STALE_K, writes, contractWrites, largePg);

                workload.policies(SCHEDULED_SCRIPTS, "0 3 * * *", Duration.ofMinutes(10), Instant.now());
                awaitScheduled(http);
                reads(http);
                report.memory(service.rssBytes(), LARGE_N);
            } finally {
                service.close();
            }
            recovery(kafka, env, app, http);
        }
    }

    /**
     * B2's sweeps at N = 100,000, printed only: the quick loop for a change to the sweep. Each sweep with the CPU it
     * cost runwarden (by thread) and the broker, as a sweep is bound by the machine's CPU; {@code bench.sweepsJfr}
     * names a JFR recording of the sweeps.
     */
    private void sweepsOnly() throws Exception {
        try (Broker broker = broker("sweeps"); BenchKafka kafka = new BenchKafka(broker.bootstrap())) {
            kafka.createTopics();
            Workload workload = new Workload(kafka);
            String app = "bench-sweeps";
            int http = Proc.freePort();
            try (Proc service = Proc.start(Proc.runwardenJar(), runwardenEnv(kafka, app, "sweeps-rw", http),
                    work.resolve("logs/sweeps-rw.log"))) {
                service.awaitHttpOk(http, "/ready", Duration.ofMinutes(3));
                workload.storedRuns("stored-", 0, SMALL_N - STALE_K, Instant.now());
                kafka.awaitCaughtUp(app, Topics.SCRIPT_EVENTS, LONG);
                String jfr = System.getProperty("bench.sweepsJfr");
                if (jfr != null) {
                    service.jcmd("JFR.start", "settings=profile", "filename=" + jfr);
                }
                List<Double> seconds = new ArrayList<>();
                for (int i = 0; i < REPEATS; i++) {
                    workload.staleRuns("stale-" + i + "-", STALE_K, Instant.now().minus(Duration.ofDays(4)));
                    kafka.awaitCaughtUp(app, Topics.SCRIPT_EVENTS, LONG);
                    Map<String, Long> threads = service.threadCpuTicks();
                    long appTicks = service.cpuTicks();
                    long brokerTicks = broker.proc().cpuTicks();
                    long began = System.nanoTime();
                    post(http, "/script/cleanup-stale?timeout=PT5M");
                    seconds.add(elapsedSeconds(began));
                    Map<String, Long> byThread = new java.util.TreeMap<>();
                    service.threadCpuTicks().forEach((name, ticks) -> {
                        if (ticks > threads.getOrDefault(name, 0L)) {
                            byThread.put(name, ticks - threads.getOrDefault(name, 0L));
                        }
                    });
                    progress("sweep #" + i + ": " + last(seconds) + " s; CPU runwarden " + (service.cpuTicks() - appTicks) / 100.0
                            + " s, broker " + (broker.proc().cpuTicks() - brokerTicks) / 100.0
                            + " s; runwarden's threads, 10 ms ticks: " + byThread);
                }
                if (jfr != null) {
                    service.jcmd("JFR.stop", "filename=" + jfr);
                }
                progress("sweeps of " + STALE_K + " among " + SMALL_N + ": " + new Stats(seconds).show(2) + " s; with nothing due "
                        + emptySweeps(http).show(2) + " s");
            }
        }
    }

    /**
     * Sweep times, as the caller sees them (from the request sent to the answer read) and as the service counts them
     * in its answer and in {@code runwarden_sweep_duration_seconds} (from the request's {@code asOf} to
     * {@code completedAt}, on the service's clock).
     */
    private record SweepTimes(Stats http, Stats inService) {
    }

    /** Each repetition adds K runs past their deadline, waits until they are applied, then times the sweep over HTTP. */
    /** @param warmUps sweeps before those counted, not counted */
    private SweepTimes sweeps(BenchKafka kafka, Workload workload, String app, int http, String row, String label,
                              int warmUps) throws Exception {
        List<Double> seconds = new ArrayList<>();
        List<Double> inService = new ArrayList<>();
        for (int i = -warmUps; i < REPEATS; i++) {
            workload.staleRuns("stale-" + label + "-" + i + "-", STALE_K, Instant.now().minus(Duration.ofDays(4)));
            kafka.awaitCaughtUp(app, Topics.SCRIPT_EVENTS, LONG);
            long began = System.nanoTime();
            JsonNode result = post(http, "/script/cleanup-stale?timeout=PT5M");
            double took = elapsedSeconds(began);
            int updated = result.path("data").path("totalLogsUpdated").asInt(-1);
            if (updated != STALE_K) {
                throw new IllegalStateException("the sweep failed " + updated + " runs, not " + STALE_K + ": " + result);
            }
            double tookInService = Duration.between(Instant.parse(result.path("data").path("asOf").asText()),
                    Instant.parse(result.path("data").path("completedAt").asText())).toNanos() / 1e9;
            if (i >= 0) {
                seconds.add(took);
                inService.add(tookInService);
            }
            progress(row + " runwarden sweep " + label + (i < 0 ? " warm-up" : " #" + i) + ": " + Stats.fmt(took, 2) + " s ("
                    + Stats.fmt(tookInService, 2) + " s from its asOf to completedAt)");
        }
        return new SweepTimes(new Stats(seconds), new Stats(inService));
    }

    /** B2's floor: sweeps with nothing due, request to answer: the in-band protocol's hops and nothing else. */
    private Stats emptySweeps(int http) throws Exception {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < 5 * REPEATS; i++) {
            long began = System.nanoTime();
            JsonNode result = post(http, "/script/cleanup-stale?timeout=PT5M");
            seconds.add(elapsedSeconds(began));
            if (result.path("data").path("totalLogsUpdated").asInt(-1) != 0) {
                throw new IllegalStateException("a sweep with nothing due failed runs: " + result);
            }
        }
        progress("B2 runwarden sweeps with nothing due: " + seconds + " s");
        return new Stats(seconds);
    }

    /** B2's other floor: K failed runs' records written and committed, nothing else; two warm-ups first. */
    private Stats writeFloor(WriteFloor floor, List<WriteFloor.Written> records, boolean outcomes, String label) throws Exception {
        List<Double> seconds = new ArrayList<>();
        for (int i = -2; i < 5 * REPEATS; i++) {
            double took = floor.write(STALE_K, records, outcomes);
            if (i >= 0) {
                seconds.add(took);
            }
        }
        progress("B2 write floor, " + label + ": " + seconds + " s");
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

    /** Until the dashboard shows the schedules just written (the policies reach each instance's global store). */
    private static void awaitScheduled(int http) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + LONG.toNanos();
        int scheduled = 0;
        while (scheduled < SCHEDULED_SCRIPTS) {
            check(deadline, "the schedules reaching the dashboard");
            Proc.sleep(200);
            scheduled = 0;
            for (JsonNode script : get(http, "/script/dashboard-view").path("data").path("scripts")) {
                scheduled += script.path("schedule").isTextual() ? 1 : 0;
            }
        }
        progress("B3 " + scheduled + " scripts have a schedule");
    }

    /**
     * B3: wrk on each page, and on /health of the same server as the baseline; each first warmed up for as long as it is
     * measured: the first pass on the logs, just after the 1M runs were written, was the slowest in every run (p99 28,
     * 24, 21 ms in one), the JIT and RocksDB's compactions of the load still at work.
     */
    private void reads(int http) throws Exception {
        String base = "http://127.0.0.1:" + http;
        Path byScript = Wrk.scriptNameRotation(work, Workload.SCRIPTS);
        record Target(String name, String path, Path lua) {
        }
        List<Target> targets = List.of(new Target("GET /health", "/health", null),
                new Target("GET /script/logs?limit=100", "/script/logs?limit=100", null),
                new Target("GET /script/logs?scriptName=…&limit=50", "/script/logs", byScript),
                new Target("GET /script/logs?status=-1&limit=100", "/script/logs?status=-1&limit=100", null),
                new Target("GET /script/dashboard-view", "/script/dashboard-view", null));
        for (Target target : targets) {
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            List<Double> rps = new ArrayList<>();
            long errors = 0;
            for (int i = -1; i < REPEATS; i++) { // -1: the warm-up, as B8's
                Wrk.Result r = Wrk.run(base + target.path(), 4, 10, target.lua());
                progress("B3 " + target.name() + " #" + i + ": " + r);
                if (i < 0) {
                    continue;
                }
                p50.add(r.p50Millis());
                p99.add(r.p99Millis());
                rps.add(r.requestsPerSecond());
                errors += r.errors();
            }
            report.reads(target.name(), new Stats(p50), new Stats(p99), new Stats(rps), errors);
        }
    }

    /** B4: wipe the local state, start again, time to ready; against reading the same changelogs with a plain consumer. */
    private void recovery(BenchKafka kafka, Map<String, String> env, String app, int http) throws Exception {
        List<String> changelogs = kafka.topics(app + "-", "-changelog");
        List<Double> restore = new ArrayList<>();
        List<Double> firstRead = new ArrayList<>();
        List<Double> rebuilt = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        long records = 0;
        int partitions = TopicSpec.named(Topics.SCRIPT_EVENTS).partitions();
        for (int i = 0; i < REPEATS; i++) {
            deleteTree(Path.of(env.get("RUNWARDEN_DATA_DIR")).resolve("streams"));
            Path log = work.resolve("logs/b4-" + i + ".log");
            long began = System.nanoTime();
            try (Proc service = Proc.start(Proc.runwardenJar(), env, log)) {
                service.awaitHttpOk(http, "/ready", LONG);
                restore.add(elapsedSeconds(began));
                // 503 while the partitions being rebuilt hold more runs than a read passes over
                service.awaitHttpOk(http, "/script/logs?limit=1", LONG);
                firstRead.add(elapsedSeconds(began));
                JsonNode logs = get(http, "/script/logs?limit=1");
                if (logs.path("data").path("logs").isEmpty()) {
                    throw new IllegalStateException("ready after the wipe, but no runs: " + logs);
                }
                awaitLines(log, "rebuilt the indexes of", partitions, LONG);
                rebuilt.add(elapsedSeconds(began));
            }
            progress("B4 restore #" + i + ": ready " + last(restore) + " s, first read answered " + last(firstRead)
                    + " s, indexes rebuilt " + last(rebuilt) + " s");
            began = System.nanoTime();
            records = kafka.readAll(changelogs);
            raw.add(elapsedSeconds(began));
            progress("B4 raw read of " + records + " changelog records #" + i + ": " + last(raw) + " s");
        }
        report.recovery(LARGE_N, changelogs, records, new Stats(restore), emptyStart, new Stats(raw));
        report.rebuildBehindReady(new Stats(firstRead), new Stats(rebuilt), emptyStart, LocalRuns.MOST_RUNS_PASSED);
        rebuildFloor(LARGE_N / TopicSpec.named(Topics.SCRIPT_EVENTS).partitions());
    }

    /** Waits until the log holds {@code count} lines with {@code text}, polling it every 100 ms. */
    private static void awaitLines(Path log, String text, int count, Duration atMost) throws IOException {
        long until = System.nanoTime() + atMost.toNanos();
        while (true) {
            try (var lines = Files.lines(log)) {
                if (lines.filter(line -> line.contains(text)).count() >= count) {
                    return;
                }
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("no " + count + " lines \"" + text + "\" in " + log + " after " + atMost);
            }
            Proc.sleep(100);
        }
    }

    /** B4's floor: one partition's rebuild on this thread, with and without writing its entries. */
    private void rebuildFloor(int runs) {
        List<Double> all = new ArrayList<>();
        List<Double> withoutWrites = new ArrayList<>();
        double entries = 0;
        try (RebuildFloor floor = new RebuildFloor(work.resolve("rebuild-floor"), runs, Instant.now())) {
            progress("B4 rebuild floor, warming up: " + floor.measure());
            for (int i = 0; i < REPEATS; i++) {
                RebuildFloor.Result result = floor.measure();
                all.add(result.cpuPerRun());
                withoutWrites.add(result.cpuPerRunWithoutWrites());
                entries = result.entriesPerRun();
                progress("B4 rebuild floor #" + i + ": " + result);
            }
        }
        report.rebuildFloor(runs, new Stats(all), new Stats(withoutWrites), entries);
    }

    /**
     * B6: missed-start checks against a sweep of the same size, on one runwarden on its own broker. First the sweeps:
     * each fails K = SCHEDULED due runs, the first two not counted (nor are the checks' first two minutes). Then
     * SCHEDULED scripts get a per-minute schedule with 30 s of grace; at each minute nine in ten of them report a run
     * that starts at the slot, the tenth (another one each minute) does not. The tick that passes a minute's grace
     * writes that minute's slots as ⌈SCHEDULED / the slots a check holds⌉ checks (one), and the
     * check metric times each from that tick to its result: the mean per check is the metric's Δ_sum / Δ_count over the
     * minute. The metric's _max covers two to three minutes (the registry's one-minute step, three buckets), so the
     * slowest check of each tick is read from the records that carry the same two instants the metric subtracts: the
     * check's asOf (its tick) and each missed slot's foundAt (its completion); their mean must match the metric's.
     */
    private void startChecks() throws Exception {
        try (Broker broker = broker("b6"); BenchKafka kafka = new BenchKafka(broker.bootstrap())) {
            kafka.createTopics();
            Workload workload = new Workload(kafka);
            String app = "bench-checks";
            int http = Proc.freePort();
            try (Proc service = Proc.start(Proc.runwardenJar(), runwardenEnv(kafka, app, "b6-rw", http),
                    work.resolve("logs/b6-rw.log"));
                 KafkaConsumer<String, byte[]> events = kafka.consumerAtEnd(Topics.SCRIPT_EVENTS)) {
                service.awaitHttpOk(http, "/ready", Duration.ofMinutes(3));
                long began = System.nanoTime();
                SweepTimes sweeps = sweeps(kafka, workload, app, http, "B6", "b6", CHECK_WARM_UPS); // warmed up as the checks are

                Instant since = Instant.now();
                workload.policies(SCHEDULED, "* * * * *", START_GRACE, since);
                String lastScript = Workload.script(SCHEDULED - 1);
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (!"* * * * *".equals(get(http, "/script/policies/" + lastScript).path("data").path("schedule").asText())) {
                    check(deadline, "the policies");
                    Proc.sleep(100);
                }
                int checksPerTick = (SCHEDULED + StartChecks.SLOTS_PER_CHECK - 1) / StartChecks.SLOTS_PER_CHECK;
                Instant first = since.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
                progress("B6 " + SCHEDULED + " policies applied; first slot " + first);
                List<Double> slowest = new ArrayList<>();
                List<Double> mean = new ArrayList<>();
                long checks = 0;
                long withinSecond = 0;
                int missedPerMinute = 0;
                Map<String, Instant> asOf = new HashMap<>();
                Map<String, Instant> foundAt = new HashMap<>();
                Metrics before = Metrics.scrape(http);
                for (int minute = 0; minute < CHECK_WARM_UPS + CHECK_MINUTES; minute++) {
                    Instant slot = first.plus(Duration.ofMinutes(minute));
                    sleepUntil(slot.plusSeconds(1));
                    int missed = workload.slotRuns("slot-" + minute + "-", SCHEDULED, slot, minute, MISS_EVERY);
                    // the tick that passes slot + grace comes within StartChecks.TICK; its checks then travel. No
                    // scrape meanwhile: with 10,000 scripts one keeps the service busy for 0.2-0.5 s (the runs in
                    // progress gauge reads every script's stats), which would slow the very checks it measures
                    sleepUntil(slot.plus(START_GRACE).plus(StartChecks.TICK).plusSeconds(5));
                    long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                    Metrics after;
                    double scrapeSeconds;
                    while (true) {
                        long scrapeBegan = System.nanoTime();
                        after = Metrics.scrape(http);
                        scrapeSeconds = elapsedSeconds(scrapeBegan);
                        if (after.get(CHECK_METRIC + "_count") >= before.get(CHECK_METRIC + "_count") + checksPerTick
                                && after.get(MISSED_METRIC) >= before.get(MISSED_METRIC) + missed) {
                            break;
                        }
                        check(until, "the checks of " + slot);
                        Proc.sleep(2000);
                    }
                    double n = after.get(CHECK_METRIC + "_count") - before.get(CHECK_METRIC + "_count");
                    double missedSlots = after.get(MISSED_METRIC) - before.get(MISSED_METRIC);
                    if (n != checksPerTick || missedSlots != missed) {
                        throw new IllegalStateException("the slot " + slot + " had " + n + " checks, not " + checksPerTick
                                + ", and " + missedSlots + " missed slots, not " + missed);
                    }
                    double metricMean = (after.get(CHECK_METRIC + "_sum") - before.get(CHECK_METRIC + "_sum")) / n;
                    long fast = Math.round(after.get(CHECK_METRIC + "_bucket{le=\"1.0\"}")
                            - before.get(CHECK_METRIC + "_bucket{le=\"1.0\"}"));
                    List<Double> times = checkTimes(kafka.readToEnd(events), asOf, foundAt);
                    if (times.size() != checksPerTick) {
                        throw new IllegalStateException("the slot " + slot + " had " + times.size() + " checks with a missed slot on "
                                + Topics.SCRIPT_EVENTS + ", not " + checksPerTick);
                    }
                    double max = Collections.max(times);
                    double recordsMean = times.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                    progress("B6 checks of " + slot + (minute < CHECK_WARM_UPS ? " (warm-up, not counted)" : "") + ": " + (int) n
                            + " checks, slowest " + Stats.fmt(max, 3) + " s, mean " + Stats.fmt(metricMean, 3) + " s (from the records "
                            + Stats.fmt(recordsMean, 3) + " s), " + fast + " within 1 s; " + missed + " slots missed; a scrape of /metrics took "
                            + Stats.fmt(scrapeSeconds * 1000, 0) + " ms");
                    if (Math.abs(recordsMean - metricMean) > 0.005) {
                        progress("B6 WARNING: the records' mean differs from the metric's by more than 5 ms");
                    }
                    if (minute >= CHECK_WARM_UPS) {
                        slowest.add(max);
                        mean.add(metricMean);
                        checks += (long) n;
                        withinSecond += fast;
                        missedPerMinute = missed;
                    }
                    before = after;
                }
                report.startChecks(SCHEDULED, missedPerMinute, checksPerTick, new Stats(slowest), new Stats(mean),
                        withinSecond, checks, STALE_K, sweeps.inService());
                progress("B6 took " + Stats.fmt(elapsedSeconds(began) / 60, 1) + " min from ready");
            }
        }
    }

    /**
     * Each check's time from its tick to its result, for the checks that completed since the last call: asOf from the
     * check (broadcast to every partition), foundAt from any of its missed slots (each check of the workload has some).
     */
    private static List<Double> checkTimes(List<ConsumerRecord<String, byte[]>> records, Map<String, Instant> asOf,
                                           Map<String, Instant> foundAt) {
        List<String> completed = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            ControlRecord kind = ControlRecord.of(record.headers()).orElse(null);
            if (kind == ControlRecord.START_CHECK) {
                StartCheck check = Json.read(record.value(), StartCheck.class);
                asOf.put(check.checkId(), check.asOf());
            } else if (kind == ControlRecord.MISSED_SLOT) {
                MissedSlot missed = Json.read(record.value(), MissedSlot.class);
                if (foundAt.putIfAbsent(missed.checkId(), missed.foundAt()) == null) {
                    completed.add(missed.checkId());
                }
            }
        }
        return completed.stream().map(id -> Duration.between(asOf.get(id), foundAt.get(id)).toNanos() / 1e9).toList();
    }

    private static void sleepUntil(Instant instant) {
        long millis = Duration.between(Instant.now(), instant).toMillis();
        if (millis > 0) {
            Proc.sleep(millis);
        }
    }

    /**
     * B7: from a failure event to the webhook receiver. Failures of {@value #NOTIFY_ALERTS} runs are sent at
     * {@value #NOTIFY_PER_SECOND} a second, each a start and a failed event of its own run; each one's latency is from
     * the moment its failed event was acknowledged by the broker to the moment the receiver got its alert. The baseline
     * is the same failure's latency to its run's record on script-runs, read committed: what the fact itself takes.
     */
    private void notifyLatency() throws Exception {
        try (Broker broker = broker("b7"); BenchKafka kafka = new BenchKafka(broker.bootstrap())) {
            kafka.createTopics();
            String app = "bench-notify";
            int http = Proc.freePort();
            Map<String, Instant> received = new java.util.concurrent.ConcurrentHashMap<>();
            com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
            receiver.createContext("/hook", exchange -> {
                Instant at = Instant.now();
                String id = exchange.getRequestHeaders().getFirst("Runwarden-Alert-Id");
                exchange.getRequestBody().readAllBytes();
                received.putIfAbsent(id, at);
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            java.util.concurrent.ExecutorService answering = java.util.concurrent.Executors.newFixedThreadPool(4);
            receiver.setExecutor(answering);
            receiver.start();
            try (Proc service = Proc.start(Proc.runwardenJar(), runwardenEnv(kafka, app, "b7-rw", http),
                    work.resolve("logs/b7-rw.log"));
                 KafkaConsumer<String, byte[]> runs = kafka.consumerAtEnd(Topics.SCRIPT_RUNS)) {
                service.awaitHttpOk(http, "/ready", Duration.ofMinutes(3));
                String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
                kafka.send(Topics.NOTIFICATION_CHANNELS, "b7", ("{\"type\":\"webhook\",\"url\":\"" + url
                        + "\",\"scripts\":[\"b7-*\"],\"createdAt\":\"" + Instant.now().minusSeconds(1) + "\"}").getBytes(StandardCharsets.UTF_8));
                kafka.flush();
                // the channel's worker joins its group: a first failure, not counted, says when it delivers
                sendFailure(kafka, "b7-warm-up", "b7-warm");
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (!received.containsKey("failed:b7-warm-up")) {
                    check(deadline, "the first notification");
                    Proc.sleep(50);
                }
                // the failed runs' records are read as they come, beside the sending
                Map<String, Instant> applied = new java.util.concurrent.ConcurrentHashMap<>();
                java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean(true);
                Thread reader = new Thread(() -> {
                    while (reading.get()) {
                        for (ConsumerRecord<String, byte[]> record : runs.poll(Duration.ofMillis(20))) {
                            if (record.key().startsWith("b7-run-") && Json.read(record.value(), JsonNode.class).path("status").asInt() == -1) {
                                applied.putIfAbsent(record.key(), Instant.now());
                            }
                        }
                    }
                });
                reader.start();
                Map<String, Instant> sent = new java.util.HashMap<>();
                long began = System.nanoTime();
                for (int i = 0; i < NOTIFY_ALERTS; i++) {
                    long due = began + (long) (i * 1e9 / NOTIFY_PER_SECOND);
                    while (System.nanoTime() < due) {
                        Proc.sleep(1);
                    }
                    String runId = "b7-run-" + i;
                    sent.put(runId, sendFailure(kafka, runId, "b7-" + i % 50));
                }
                deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (received.keySet().stream().filter(id -> id.startsWith("failed:b7-run-")).count() < NOTIFY_ALERTS
                        || applied.size() < NOTIFY_ALERTS) {
                    check(deadline, "the notifications");
                    Proc.sleep(50);
                }
                reading.set(false);
                reader.join();
                List<Double> toReceiver = new ArrayList<>();
                List<Double> toRun = new ArrayList<>();
                sent.forEach((runId, at) -> {
                    toReceiver.add(Duration.between(at, received.get("failed:" + runId)).toNanos() / 1e9);
                    toRun.add(Duration.between(at, applied.get(runId)).toNanos() / 1e9);
                });
                report.notifications(NOTIFY_ALERTS, NOTIFY_PER_SECOND, Stats.percentile(toReceiver, 50), Stats.percentile(toReceiver, 99),
                        Stats.percentile(toRun, 99));
                progress("B7 " + NOTIFY_ALERTS + " notifications: p50 " + Stats.fmt(Stats.percentile(toReceiver, 50), 3)
                        + " s, p99 " + Stats.fmt(Stats.percentile(toReceiver, 99), 3) + " s; the run's record p99 "
                        + Stats.fmt(Stats.percentile(toRun, 99), 3) + " s");
            } finally {
                receiver.stop(0);
                answering.shutdownNow();
            }
        }
    }

    /** A run's start and failure; returns when the broker acknowledged the failure. */
    private static Instant sendFailure(BenchKafka kafka, String runId, String script) {
        kafka.send(Topics.SCRIPT_EVENTS, runId, ("{\"runId\":\"" + runId + "\",\"scriptName\":\"" + script
                + "\",\"event\":\"started\"}").getBytes(StandardCharsets.UTF_8));
        kafka.send(Topics.SCRIPT_EVENTS, runId, "{\"event\":\"failed\",\"message\":\"exit 1\"}".getBytes(StandardCharsets.UTF_8));
        kafka.flush();
        return Instant.now();
    }

    /**
     * B8: reporting over HTTP under wrk (64 connections), runwarden as the README runs it (embedded broker): each
     * {@code POST /script/runs} opens a run of its own, each end ping records one; every answered report must become a
     * run (read back from the dashboard's counts). The baseline is {@code GET /health} on the same server: what the HTTP
     * stack alone costs. One warm-up pass of each, not counted: the figures are of a JIT-compiled service.
     */
    private void httpReporting() throws Exception {
        int http = Proc.freePort();
        try (Proc service = Proc.start(Proc.runwardenJar(), Map.of("RUNWARDEN_DATA_DIR", work.resolve("b8").toString(),
                "RUNWARDEN_EMBEDDED_KAFKA_PORT", String.valueOf(Proc.freePort()), "RUNWARDEN_HTTP_PORT", String.valueOf(http)),
                work.resolve("logs/b8.log"))) {
            service.awaitHttpOk(http, "/ready", Duration.ofMinutes(3));
            String base = "http://127.0.0.1:" + http;
            record Target(String name, String prefix, boolean pings, boolean reports) {
            }
            List<Target> targets = List.of(new Target("GET /health", null, false, false),
                    new Target("POST /script/runs", "http", false, true), new Target("POST /ping/{script}", "ping", true, true));
            long runsAnswered = 0;
            long pingsAnswered = 0;
            for (Target target : targets) {
                List<Double> p50 = new ArrayList<>();
                List<Double> p99 = new ArrayList<>();
                List<Double> rps = new ArrayList<>();
                long errors = 0;
                for (int i = -1; i < REPEATS; i++) { // -1: the warm-up
                    String prefix = target.prefix() + "-" + (i + 1) + "-";
                    Path lua = target.reports() ? Wrk.reports(work, "b8-" + target.prefix() + (i + 1), target.pings(), prefix,
                            REPORT_SCRIPTS) : null;
                    Wrk.Result r = Wrk.run(base + (target.reports() ? "" : "/health"), REPORT_CONNECTIONS, REPORT_SECONDS, lua);
                    if (target.reports()) {
                        long answered = r.requests() - r.errors();
                        if (target.pings()) {
                            pingsAnswered += answered;
                        } else {
                            runsAnswered += answered;
                        }
                    }
                    if (i >= 0) {
                        p50.add(r.p50Millis());
                        p99.add(r.p99Millis());
                        rps.add(r.requestsPerSecond());
                        errors += r.errors();
                    }
                    progress("B8 " + target.name() + (i < 0 ? " warm-up" : " #" + i) + ": " + r);
                }
                report.httpReporting(target.name(), REPORT_CONNECTIONS, new Stats(p50), new Stats(p99), new Stats(rps), errors);
            }
            // wrk counts no request still waiting at its deadline: up to one a connection and wrk run became a run unseen
            long unseen = (long) REPORT_CONNECTIONS * (REPEATS + 1);
            long began = System.nanoTime();
            long[] applied = {0, 0};
            while (applied[0] < runsAnswered || applied[1] < pingsAnswered) {
                check(began + LONG.toNanos(), "applying the reports");
                Proc.sleep(500);
                applied = new long[]{0, 0};
                for (JsonNode script : get(http, "/script/dashboard-view").path("data").path("scripts")) {
                    int slot = script.path("scriptName").asText().startsWith("http") ? 0 : 1;
                    applied[slot] += script.path("counts").path("total").asLong();
                }
            }
            if (applied[0] > runsAnswered + unseen || applied[1] > pingsAnswered + unseen) {
                throw new IllegalStateException("more runs than reports: " + applied[0] + " of " + runsAnswered + " and "
                        + applied[1] + " of " + pingsAnswered);
            }
            progress("B8 applied " + applied[0] + " runs of " + runsAnswered + " answered POST /script/runs and " + applied[1]
                    + " of " + pingsAnswered + " answered pings");
            report.reportsApplied(runsAnswered, pingsAnswered);
        }
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
        env.putAll(BENCH_ENV);
        return env;
    }

    /** {@code bench.env}: settings added to runwarden's environment. */
    private static Map<String, String> benchEnv() {
        Map<String, String> env = new java.util.HashMap<>();
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

    /** The brokers' and the services' data: 2 to 5 GB a run, which filled the disk; the logs stay. */
    private static void deleteData(Path work) {
        try (var entries = Files.list(work)) {
            for (Path entry : entries.filter(entry -> !entry.getFileName().toString().equals("logs")).toList()) {
                deleteTree(entry);
            }
        } catch (IOException e) {
            System.err.println("could not delete the data in " + work + ": " + e);
        }
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
