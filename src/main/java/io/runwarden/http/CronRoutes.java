package io.runwarden.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.runwarden.service.CronJobs;
import io.runwarden.service.Services;

import java.util.List;
import java.util.function.Supplier;

/** The scheduler's jobs: list, read, change, seed the defaults, and reload with their next runs. */
final class CronRoutes implements Routes {
    record Jobs(List<CronJobs.View> jobs) {
    }

    private final Supplier<Services> services;

    CronRoutes(Supplier<Services> services) {
        this.services = services;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/cron-config", ctx -> Envelope.ok(ctx, new Jobs(jobs().list())), Need.READ);
        routes.get("/cron-config/{name}", this::get, Need.READ);
        routes.put("/cron-config/{name}", this::put, Need.WRITE);
        routes.post("/cron-config/seed", ctx -> Envelope.ok(ctx, jobs().seed(Params.flag(ctx, "overwrite"))), Need.WRITE);
        // the active jobs, as the original API answered a reload
        routes.post("/cron-config/reload", ctx -> Envelope.ok(ctx, new Jobs(jobs().list().stream()
                .filter(CronJobs.View::enabled).toList())), Need.READ);
    }

    private void get(Context ctx) {
        String name = Params.pathId(ctx, "name");
        Envelope.ok(ctx, jobs().get(name).orElseThrow(() -> ApiException.notFound("no cron job " + name)));
    }

    /** Changes some fields of a job (or creates it, given a schedule); the cron expression is checked first. */
    private void put(Context ctx) {
        String name = Params.pathId(ctx, "name");
        JsonNode body = Params.body(ctx);
        String schedule = Params.bodyText(body, "schedule");
        String timezone = Params.bodyText(body, "timezone");
        String description = Params.bodyText(body, "description");
        JsonNode enabled = body.get("enabled");
        if (enabled != null && !enabled.isBoolean()) {
            throw ApiException.badRequest("enabled", "must be true or false");
        }
        CronJobs.Change change = new CronJobs.Change(schedule, enabled == null ? null : enabled.booleanValue(),
                timezone, description);
        Envelope.ok(ctx, jobs().change(name, change));
    }

    private CronJobs jobs() {
        return services.get().cronJobs();
    }
}
