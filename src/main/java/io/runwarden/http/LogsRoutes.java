package io.runwarden.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.runs.LogsQuery;
import io.runwarden.service.Runs;
import io.runwarden.service.Services;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.function.Supplier;

/** Reading runs: the logs with filters and paging, one run, and the per-script dashboard view. */
final class LogsRoutes implements Routes {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    private final Supplier<Services> services;
    private final ViewCache dashboards = new ViewCache(System::nanoTime);
    private final DashboardView dashboardView = new DashboardView();

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
        ByteBuffer body = dashboards.get(runs::scriptsVersion, allocate -> {
            Instant now = Instant.now(); // before the summaries: generatedAt is never later than what they were judged at
            return dashboardView.render(runs.scripts(), now, allocate);
        });
        ByteBufferBody.send(ctx.contentType(ContentType.APPLICATION_JSON), body);
    }
}
