package io.runwarden.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.runwarden.model.FailureReason;
import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.ScriptStats;
import io.runwarden.runs.LogsQuery;
import io.runwarden.schedule.ScheduleState;
import io.runwarden.service.Runs;
import io.runwarden.service.ScriptSummary;
import io.runwarden.service.Services;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/** Reading runs: the logs with filters and paging, one run, and the per-script dashboard view. */
final class LogsRoutes implements Routes {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    /** The deadline and last heartbeat let the dashboard page show how close a run in progress is to its timeout. */
    record DashboardRun(String runId, RunStatus status, FailureReason failureReason, Instant startTime, Instant endTime,
                        String message, Instant deadline, Instant lastHeartbeat) {
        static DashboardRun of(RunRecord run) {
            return run == null ? null : new DashboardRun(run.runId(), run.status(), run.failureReason(), run.startTime(),
                    run.endTime(), run.message(), run.deadline(), run.lastHeartbeat());
        }
    }

    record Counts(long inProgress, long success, long failed, long total) {
    }

    /** A script with a schedule also has {@code schedule}, {@code timezone}, {@code nextExpectedStart} and {@code state}. */
    record DashboardScript(String scriptName, RunStatus status, DashboardRun latestRun, Counts counts,
                           Instant oldestInProgressStart, Duration oldestInProgressAge, Instant lastStart,
                           String schedule, String timezone, Instant nextExpectedStart, ScheduleState state) {
        static DashboardScript of(ScriptSummary summary, Instant now) {
            ScriptStats stats = summary.stats();
            ScriptSummary.Expectation expected = summary.expectation();
            return new DashboardScript(stats.scriptName(), stats.latestRun() == null ? null : stats.latestRun().status(),
                    DashboardRun.of(stats.latestRun()),
                    new Counts(stats.inProgress(), stats.success(), stats.failed(),
                            stats.inProgress() + stats.success() + stats.failed()),
                    stats.oldestInProgress(),
                    stats.oldestInProgress() == null ? null : age(stats.oldestInProgress(), now), stats.lastStart(),
                    expected == null ? null : expected.schedule(), expected == null ? null : expected.timezone(),
                    expected == null ? null : expected.nextExpectedStart(), expected == null ? null : expected.state());
        }

        /** A start ahead of this clock (a skewed host) is no age at all, not a negative one. */
        private static Duration age(Instant start, Instant now) {
            return start.isAfter(now) ? Duration.ZERO : Duration.between(start, now).truncatedTo(ChronoUnit.SECONDS);
        }
    }

    record Dashboard(List<DashboardScript> scripts, Instant generatedAt) {
    }

    private final Supplier<Services> services;
    private final ViewCache dashboards = new ViewCache(System::nanoTime);

    LogsRoutes(Supplier<Services> services) {
        this.services = services;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/script/logs", ctx -> Envelope.ok(ctx, services.get().runs().logs(query(ctx))), Need.READ);
        routes.get("/script/logs/{runId}", this::run, Need.READ);
        routes.get("/script/dashboard-view", this::dashboard, Need.READ);
    }

    static LogsQuery query(Context ctx) {
        Instant from = Params.instant(ctx, "from");
        Instant to = Params.instant(ctx, "to");
        if (from != null && to != null && from.isAfter(to)) {
            throw ApiException.badRequest("from", "must not be after to");
        }
        String scriptName = Params.id(ctx, "scriptName");
        RunStatus status = Params.status(ctx);
        int limit = Params.integer(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        try {
            return new LogsQuery(scriptName, status, from, to, limit, QueryString.first(ctx, "cursor"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("cursor", "is not a cursor this API returned");
        }
    }

    private void run(Context ctx) {
        String runId = Params.pathRunId(ctx);
        RunRecord run = services.get().runs().run(runId).orElseThrow(() -> ApiException.notFound("no run " + runId));
        Envelope.ok(ctx, run);
    }

    /** Rendered again when its data changes, and at least every two seconds: see {@link ViewCache}. */
    private void dashboard(Context ctx) throws IOException {
        Runs runs = services.get().runs();
        ByteBuffer body = dashboards.get(runs::scriptsVersion, () -> {
            Instant now = Instant.now(); // before the summaries: generatedAt is never later than what they were judged at
            return Json.bytes(new Envelope.Ok(true, dashboard(runs.scripts(), now)));
        });
        ByteBufferBody.send(ctx.contentType(ContentType.APPLICATION_JSON), body);
    }

    private static Dashboard dashboard(List<ScriptSummary> summaries, Instant now) {
        List<DashboardScript> scripts = summaries.stream()
                .sorted(Comparator.comparing(summary -> summary.stats().scriptName()))
                .map(summary -> DashboardScript.of(summary, now))
                .toList();
        return new Dashboard(scripts, now);
    }
}
