package io.runwarden.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptStats;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/** Reading runs: the logs with filters and paging, one run, and the per-script dashboard view. */
final class LogsRoutes {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    /** The deadline and last heartbeat let the dashboard page show how close a run in progress is to its timeout. */
    record DashboardRun(String runId, int status, Instant startTime, Instant endTime, String message,
                        Instant deadline, Instant lastHeartbeat) {
        static DashboardRun of(RunRecord run) {
            return run == null ? null : new DashboardRun(run.runId(), run.status(), run.startTime(), run.endTime(),
                    run.message(), run.deadline(), run.lastHeartbeat());
        }
    }

    record Counts(long inProgress, long success, long failed, long total) {
    }

    record DashboardScript(String scriptName, Integer status, DashboardRun latestRun, Counts counts,
                           Instant oldestInProgressStart, Duration oldestInProgressAge) {
    }

    record Dashboard(List<DashboardScript> scripts, Instant generatedAt) {
    }

    private final Supplier<Backend> backend;

    LogsRoutes(Supplier<Backend> backend) {
        this.backend = backend;
    }

    void register(RoutesConfig routes) {
        routes.get("/script/logs", this::logs);
        routes.get("/script/logs/{runId}", this::run);
        routes.get("/script/dashboard-view", this::dashboard);
    }

    static LogsQuery query(Context ctx) {
        Instant from = Params.instant(ctx, "from");
        Instant to = Params.instant(ctx, "to");
        if (from != null && to != null && from.isAfter(to)) {
            throw ApiException.badRequest("from", "must not be after to");
        }
        return new LogsQuery(Params.id(ctx, "scriptName"), Params.status(ctx), from, to,
                Params.integer(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT), LogsCursor.decode(QueryString.first(ctx, "cursor")));
    }

    private void logs(Context ctx) {
        LogsPage page = backend.get().queries().logs(query(ctx), QueryString.first(ctx, "cursor"));
        Envelope.ok(ctx, new LogsPage(page.logs(), LogsCursor.encode(page.nextCursor())));
    }

    private void run(Context ctx) {
        String runId = Params.pathId(ctx, "runId");
        RunRecord run = backend.get().queries().run(runId)
                .orElseThrow(() -> ApiException.notFound("no run " + runId));
        Envelope.ok(ctx, run);
    }

    private void dashboard(Context ctx) {
        Instant now = Instant.now();
        List<DashboardScript> scripts = backend.get().queries().scriptStats().values().stream()
                .sorted(Comparator.comparing(ScriptStats::scriptName))
                .map(stats -> new DashboardScript(stats.scriptName(),
                        stats.latestRun() == null ? null : stats.latestRun().status(),
                        DashboardRun.of(stats.latestRun()),
                        new Counts(stats.inProgress(), stats.success(), stats.failed(),
                                stats.inProgress() + stats.success() + stats.failed()),
                        stats.oldestInProgress(),
                        stats.oldestInProgress() == null ? null
                                : Duration.between(stats.oldestInProgress(), now).truncatedTo(ChronoUnit.SECONDS)))
                .toList();
        Envelope.ok(ctx, new Dashboard(scripts, now));
    }
}
