package io.runwarden.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.runwarden.model.RunRecord;
import io.runwarden.service.Services;
import io.runwarden.service.Sweeps;
import io.runwarden.sweep.SweepProgress;
import io.runwarden.sweep.SweepTimeoutException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/** The manual sweep of the original API, its dry run, and the result of a sweep that outlasted the wait. */
final class CleanupRoutes implements Routes {
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    static final Duration MAX_WAIT = Duration.ofMinutes(5);

    record Pending(String sweepId, String status, int partsReported, int partitions, String resultUrl) {
    }

    /** {@code runs} lists the first {@code limit} of them by deadline; the totals count them all. */
    record DryRun(boolean dryRun, Instant asOf, Instant thresholdDate, int totalLogsUpdated, int scriptsAffected,
                  List<String> scriptNames, List<RunRecord> runs) {
        static DryRun of(Sweeps.Preview preview) {
            return new DryRun(true, preview.asOf(), preview.thresholdDate(), preview.due().total(),
                    preview.due().scriptNames().size(), preview.due().scriptNames(), preview.due().runs());
        }
    }

    private final Supplier<Services> services;

    CleanupRoutes(Supplier<Services> services) {
        this.services = services;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/script/cleanup-stale", this::cleanup, Need.WRITE_UNLESS_DRY_RUN);
        routes.get("/script/cleanup-stale/{sweepId}", this::result, Need.READ);
    }

    private void cleanup(Context ctx) throws InterruptedException {
        Duration wait = Params.wait(ctx, "timeout", DEFAULT_WAIT, MAX_WAIT);
        Sweeps sweeps = services.get().sweeps();
        if (Params.flag(ctx, "dryRun")) {
            int limit = Params.integer(ctx, "limit", LogsRoutes.DEFAULT_LIMIT, 1, LogsRoutes.MAX_LIMIT);
            Envelope.ok(ctx, DryRun.of(sweeps.preview(limit)));
            return;
        }
        String sweepId = sweeps.request();
        try {
            Envelope.ok(ctx, sweeps.await(sweepId, wait));
        } catch (SweepTimeoutException e) {
            pending(ctx, sweepId, null);
        }
    }

    private void result(Context ctx) {
        String sweepId = ctx.pathParam("sweepId");
        SweepProgress progress = services.get().sweeps().progress(sweepId)
                .orElseThrow(() -> ApiException.notFound("no sweep " + sweepId));
        if (progress.complete()) {
            Envelope.ok(ctx, progress.result());
        } else {
            pending(ctx, sweepId, progress);
        }
    }

    private static void pending(Context ctx, String sweepId, SweepProgress progress) {
        String url = "/script/cleanup-stale/" + sweepId;
        ctx.header("Location", url);
        Envelope.ok(ctx, 202, new Pending(sweepId, "running", progress == null ? 0 : progress.parts().size(),
                progress == null ? 0 : progress.expectedParts(), url));
    }
}
