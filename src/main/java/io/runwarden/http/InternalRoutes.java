package io.runwarden.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.runwarden.service.LocalPartitions;
import io.runwarden.service.Services;

import java.time.Instant;
import java.util.function.Supplier;

/** What one instance answers for its own partitions when another instance fans a query out, to holders of the API token. */
final class InternalRoutes implements Routes {
    private final Supplier<Services> services;

    InternalRoutes(Supplier<Services> services) {
        this.services = services;
    }

    @Override
    public void register(RoutesConfig routes) {
        String base = LocalPartitions.PATH;
        routes.get(base + "/cluster", ctx -> Envelope.ok(ctx, local().instances()), Need.INTERNAL);
        routes.get(base + "/logs", ctx -> Envelope.ok(ctx, local().logs(LogsRoutes.query(ctx))), Need.INTERNAL);
        routes.get(base + "/script-stats", ctx -> Envelope.ok(ctx, local().scriptStats()), Need.INTERNAL);
        routes.get(base + "/due", ctx -> {
            Instant asOf = Params.instant(ctx, "asOf");
            Envelope.ok(ctx, local().due(asOf == null ? Instant.now() : asOf,
                    Params.integer(ctx, "limit", LogsRoutes.DEFAULT_LIMIT, 1, LogsRoutes.MAX_LIMIT)));
        }, Need.INTERNAL);
        routes.get(base + "/runs/{runId}", ctx -> {
            String runId = Params.pathRunId(ctx);
            Envelope.ok(ctx, local().run(runId, partition(ctx)).orElseThrow(() -> ApiException.notFound("no run " + runId)));
        }, Need.INTERNAL);
        routes.get(base + "/sweeps/{sweepId}", ctx -> Envelope.ok(ctx, local().sweep(ctx.pathParam("sweepId"), partition(ctx))
                .orElseThrow(() -> ApiException.notFound("no sweep " + ctx.pathParam("sweepId")))), Need.INTERNAL);
    }

    private LocalPartitions local() {
        return services.get().local();
    }

    /** A partition of script-events: one beyond the topic is a bad request, not a store that is moving (503). */
    private int partition(Context ctx) {
        return Params.integer(ctx, "partition", 0, 0, local().eventPartitions() - 1);
    }
}
