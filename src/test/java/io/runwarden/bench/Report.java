package io.runwarden.bench;

import io.runwarden.schedule.StartChecks;
import org.apache.kafka.common.utils.internals.AppInfoParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's table. It replaces the part of {@code docs/benchmarks.md} between the markers, so the
 * hand-written account of what was changed, around it, stays.
 */
final class Report {
    static final String BEGIN = "<!-- bench:begin (written by bench/run) -->";
    static final String END = "<!-- bench:end -->";

    private final List<String> rows = new ArrayList<>();
    private String postgres = "?";
    private String footer = "";

    void startToReady(Stats seconds) {
        row("B5", "start to ready, embedded broker, empty data dir", seconds.show(1) + " s", "—", "—", "≤ 8 s",
                seconds.median() <= 8);
    }

    void jar(long bytes) {
        double mb = bytes / 1e6;
        row("B5", "jar size (natives for Linux x86-64 and aarch64, macOS)", String.format(Locale.ROOT, "%.1f MB", mb),
                "—", "—", "≤ 75 MB", mb <= 75);
    }

    void ingest(long events, String threads, Stats runwarden, Stats minimal, Stats raw) {
        double ratio = runwarden.median() / minimal.median();
        row("B1", "ingest, events/s (" + count(events) + " events of whole runs, exactly_once_v2, 1 instance, "
                        + threads + " stream threads each)",
                runwarden.show(0), "minimal Streams app " + minimal.show(0) + "; raw consumer " + raw.show(0),
                ratio(ratio) + " of the minimal app; " + ratio(runwarden.median() / raw.median()) + " of raw",
                "≥ 0.6 of the minimal app", ratio >= 0.6);
    }

    /**
     * B1 against its floor, the minimal app that does only the JSON a run's state needs; with the control that writes
     * run-sized records and no JSON, to tell the bytes from the work.
     */
    void ingestFloor(Stats runwarden, Stats minimal, Stats json, Stats sized) {
        row("B1", "ingest against a floor: the minimal app that also parses each event and writes its run's JSON once "
                        + "(runwarden's codec); a control writing run-sized records with no JSON, events/s",
                runwarden.show(0), "floor " + json.show(0) + "; control " + sized.show(0) + "; minimal app above",
                ratio(runwarden.median() / json.median()) + " of the floor; the floor " + ratio(json.median() / minimal.median())
                        + " and the control " + ratio(sized.median() / minimal.median()) + " of the minimal app",
                "—", null);
    }

    void sweeps(int small, int large, int stale, Stats smallRw, Stats largeRw, Stats smallPg, Stats largePg) {
        double growth = largeRw.median() / smallRw.median();
        row("B2", "sweep of K = " + count(stale) + " stale runs among N = " + count(small) + ", s", smallRw.show(2),
                "PostgreSQL 15 " + smallPg.show(2), ratio(smallRw.median() / smallPg.median()) + " of PostgreSQL", "—", null);
        row("B2", "sweep of K = " + count(stale) + " stale runs among N = " + count(large) + ", s", largeRw.show(2),
                "PostgreSQL 15 " + largePg.show(2), ratio(largeRw.median() / largePg.median()) + " of PostgreSQL",
                "≤ 3 × PostgreSQL", largeRw.median() <= 3 * largePg.median());
        row("B2", "sweep time growth N = " + count(small) + " → " + count(large), ratio(growth), "PostgreSQL "
                + ratio(largePg.median() / smallPg.median()), "—", "≤ 1.3", growth <= 1.3);
    }

    void emptySweeps(int runs, Stats empty, Stats pgSweep) {
        row("B2", "sweep with nothing due among N = " + count(runs) + " (the in-band hops alone: request, markers, parts), s",
                empty.show(2), "PostgreSQL 15's sweep of K runs above " + pgSweep.show(2),
                ratio(empty.median() / pgSweep.median()) + " of PostgreSQL", "—", null);
    }

    void writeFloor(int stale, Stats records, Stats contractRecords, Stats pgSweep) {
        row("B2", "the least a sweep of K = " + count(stale) + " writes under exactly-once, and nothing else: two"
                        + " transactional producers write and commit each failed run's 5 records (the run to its changelog"
                        + " and to script-runs, its failed event, its alert to script-alerts and to the notifiers' feed)"
                        + " and the runs' alert outcomes gathered in an array a partition, each kind to a topic of its own, s",
                records.show(2) + "; the contract's 3 alone (script-runs, the failed event, the alert) " + contractRecords.show(2),
                "PostgreSQL 15's sweep of K runs above " + pgSweep.show(2),
                ratio(records.median() / pgSweep.median()) + " (runwarden's); " + ratio(contractRecords.median() / pgSweep.median())
                        + " (3) of PostgreSQL", "—", null);
    }

    void reads(String route, Stats p50, Stats p99, Stats rps, long errors) {
        // the logs pages p99 ≤ 15 ms, a status filter's (failures rare) ≤ 20 ms, the dashboard's ≤ 50 ms
        Integer target = route.contains("status=") ? Integer.valueOf(20) : route.contains("/script/logs") ? Integer.valueOf(15)
                : route.contains("dashboard") ? Integer.valueOf(50) : null;
        row("B3", route + " under wrk (2 threads, 4 connections), 1M runs, 10,000 scripts, 1,000 with a schedule",
                "p50 " + p50.show(1) + " ms; p99 " + p99.show(1) + " ms; " + rps.show(0) + " req/s"
                        + (errors > 0 ? "; " + errors + " errors" : ""),
                route.equals("GET /health") ? "(the baseline)" : "see GET /health", "—",
                target == null ? "—" : "p99 ≤ " + target + " ms", target == null ? null : p99.median() <= target && errors == 0);
    }

    private double healthRate;

    void httpReporting(String route, int connections, Stats p50, Stats p99, Stats rps, long errors) {
        boolean health = route.equals("GET /health");
        if (health) {
            healthRate = rps.median();
        }
        boolean met = !health && rps.median() >= 4_000 && p99.median() <= 50 && errors == 0;
        row("B8", route + " under wrk (2 threads, " + connections + " connections), as the README runs it (embedded broker)",
                "p50 " + p50.show(1) + " ms; p99 " + p99.show(1) + " ms; " + rps.show(0) + " req/s"
                        + (errors > 0 ? "; " + errors + " errors" : ""),
                health ? "(the baseline)" : "see GET /health", health ? "—" : ratio(rps.median() / healthRate) + " of /health's rate",
                health ? "—" : "≥ 4,000 req/s, p99 ≤ 50 ms", health ? null : met);
    }

    /** Called once every answered report is a run: the bench stops with an error when they do not all become one. */
    void reportsApplied(long runs, long pings) {
        row("B8", "reports answered 201/202 that became runs", count(runs) + " of POST /script/runs and " + count(pings)
                        + " pings: all (and at most one more a connection, sent as wrk stopped)",
                "—", "—", "every one", true);
    }

    void memory(long rssBytes, int runs) {
        double gb = rssBytes / 1e9;
        row("B5", "resident memory with " + count(runs) + " runs (after B3)", String.format(Locale.ROOT, "%.2f GB", gb),
                "—", "—", "≤ 1.5 GB", gb <= 1.5);
    }

    /**
     * B4. The rate is taken net of what any start takes: the service's start to ready on the same broker with nothing
     * to restore, measured in the same run, is subtracted, as the plain consumer's start is not counted either.
     */
    void recovery(int runs, List<String> changelogs, long records, Stats restore, double emptyStart, Stats raw) {
        double net = restore.median() - emptyStart;
        // a restore no longer than one empty start says nothing of its rate: shown, never counted as met
        double ratio = net > 0 ? raw.median() / net : 0;
        row("B4", "restore " + count(runs) + " runs after the local state is wiped: start to ready, s", restore.show(1)
                        + "; net of an empty start (" + String.format(Locale.ROOT, "%.1f", emptyStart) + " s on the same broker) "
                        + String.format(Locale.ROOT, "%.1f", net),
                "plain consumer reads the same " + changelogs.size() + " changelogs (" + count(records) + " records) in "
                        + raw.show(1) + " s", ratio(ratio) + " of the raw rate (net)", "≥ 0.3", ratio >= 0.3);
    }

    /**
     * B4, what goes on behind ready: when the first read answered (reads pass over the runs of partitions still being
     * rebuilt up to a bound, and answer 503 beyond it), and when the last partition's rebuild ended, which sweeps and
     * missed-start checks wait for.
     */
    void rebuildBehindReady(Stats firstRead, Stats rebuilt, double emptyStart, long mostRunsPassed) {
        row("B4", "the same restarts, from the start: the first read answered (`logs?limit=1`; while indexes are rebuilt a read "
                        + "passes over the runs of up to " + count(mostRunsPassed) + " of them, and answers 503 beyond); "
                        + "every partition's indexes rebuilt (sweeps and missed-start checks wait for it), s",
                "first read " + firstRead.show(1) + "; indexes rebuilt " + rebuilt.show(1) + ", net of an empty start "
                        + String.format(Locale.ROOT, "%.1f", rebuilt.median() - emptyStart),
                "—", "—", "—", null);
    }

    /** B4's floor: what a rebuild costs a stream thread a run, and the share of it that writes index entries. */
    void rebuildFloor(int runs, Stats all, Stats withoutWrites, double entriesPerRun) {
        row("B4", "floor: rebuilding one partition's indexes (" + count(runs) + " runs, shaped as B2's) on one thread, CPU a run, µs",
                all.show(2), "the same rebuild without writing its " + String.format(Locale.ROOT, "%.2f", entriesPerRun)
                        + " index entries a run " + withoutWrites.show(2),
                ratio((all.median() - withoutWrites.median()) / all.median()) + " of it writes entries", "—", null);
    }

    /**
     * B6. The check's figure is the slowest check of each minute's tick (all of a tick's checks start at the tick, so
     * it is the time until every slot of the minute is decided); the sweep's is from its request to its completion,
     * as runwarden_sweep_duration_seconds times it.
     */
    void startChecks(int scripts, int missed, int checksPerTick, Stats slowest, Stats mean, long withinSecond, long checks,
                     int swept, Stats sweep) {
        double ratio = slowest.median() / sweep.median();
        row("B6", "missed-start check of " + count(scripts) + " per-minute schedules (" + count(scripts - missed)
                        + " slots kept, " + count(missed) + " missed a minute; " + checksPerTick + (checksPerTick == 1 ? " check" : " checks") + " of ≤ "
                        + count(StartChecks.SLOTS_PER_CHECK) + " slots a tick), "
                        + "tick to result, s",
                "slowest check of a tick " + slowest.show(2) + "; mean per check " + mean.show(2) + "; " + withinSecond
                        + " of " + checks + " checks ≤ 1 s",
                "sweep of " + count(swept) + " due runs, same instance, request to completion " + sweep.show(2),
                ratio(ratio) + " of the sweep", "≤ 1 s and ≤ 1 × the sweep",
                slowest.median() <= 1 && slowest.median() <= sweep.median());
    }

    /** B7: one channel, a webhook receiver on loopback; baseline: the same failures' own records on script-runs. */
    void notifications(int alerts, int perSecond, double p50, double p99, double runP99) {
        row("B7", "failure event to the webhook receiver, " + count(alerts) + " failures at " + perSecond + "/s, s",
                "p50 " + Stats.fmt(p50, 3) + "; p99 " + Stats.fmt(p99, 3),
                "the failed run's record on script-runs (read committed), p99 " + Stats.fmt(runP99, 3),
                ratio(p99 / runP99) + " of the record's p99", "p99 ≤ 2 s", p99 <= 2.0);
    }

    void postgresVersion(String version) {
        this.postgres = version;
    }

    void finish(Duration took, double scale, int repeats) {
        Runtime rt = Runtime.getRuntime();
        footer = String.join("\n",
                "- Command: `bash bench/run`" + (scale != 1.0 ? " with `-Dbench.scale=" + scale + "`" : "")
                        + "; every figure is the median of " + repeats + " runs with (min–max); every ratio is taken between medians of the same run.",
                "- Measured " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " in " + took.toMinutes() + " min on "
                        + rt.availableProcessors() + " cores (" + cpuModel() + "), " + memoryGb() + " GiB; " + System.getProperty("os.name")
                        + " " + System.getProperty("os.version") + ".",
                "- Java " + System.getProperty("java.version") + "; Kafka " + AppInfoParser.getVersion() + " (broker, Streams and clients, the broker in its own JVM on loopback); PostgreSQL "
                        + postgres + "; " + wrkVersion() + ".");
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| | figure | runwarden | baseline, same run | ratio | target | met |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        rows.forEach(r -> out.append(r).append('\n'));
        out.append('\n').append(footer).append('\n');
        return out.toString();
    }

    void writeInto(Path file) throws IOException {
        String generated = BEGIN + "\n" + markdown() + END;
        String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n\n" + BEGIN + "\n" + END + "\n";
        int from = text.indexOf(BEGIN);
        int to = text.indexOf(END);
        if (from < 0 || to < from) {
            throw new IllegalStateException(file + " lacks the markers " + BEGIN + " … " + END);
        }
        Files.writeString(file, text.substring(0, from) + generated + text.substring(to + END.length()));
    }

    private void row(String id, String figure, String value, String baseline, String ratio, String target, Boolean met) {
        rows.add("| " + id + " | " + figure + " | " + value + " | " + baseline + " | " + ratio + " | " + target + " | "
                + (met == null ? "" : met ? "**yes**" : "no") + " |");
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static long memoryGb() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024).findFirst().orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String wrkVersion() {
        try {
            Process p = new ProcessBuilder("wrk", "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("wrk");
            p.waitFor();
            return out.replaceAll("\\s*\\[.*", "").trim();
        } catch (IOException | InterruptedException e) {
            return "wrk";
        }
    }
}
