package io.runwarden.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.runwarden.kafka.Topics;
import io.runwarden.model.CronJob;
import io.runwarden.model.Json;
import io.runwarden.stream.CronSchedule;
import io.runwarden.stream.Stores;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** The scheduler's jobs: list, read, change, seed the defaults, and reload with their next runs. */
final class CronRoutes {
    record JobView(String name, String schedule, boolean enabled, String timezone, String description,
                   Instant nextRun) {
        static JobView of(CronJob job, Instant now) {
            Instant next = job.enabled() ? CronSchedule.of(job).nextSlot(now).orElse(null) : null;
            return new JobView(job.name(), job.schedule(), job.enabled(), job.zone(), job.description(), next);
        }
    }

    record Jobs(List<JobView> jobs) {
    }

    record Seeded(List<String> seeded, List<JobView> jobs) {
    }

    private final Supplier<Backend> backend;

    CronRoutes(Supplier<Backend> backend) {
        this.backend = backend;
    }

    void register(RoutesConfig routes) {
        routes.get("/cron-config", ctx -> Envelope.ok(ctx, new Jobs(views())));
        routes.get("/cron-config/{name}", this::get);
        routes.put("/cron-config/{name}", this::put);
        routes.post("/cron-config/seed", this::seed);
        routes.post("/cron-config/reload", ctx -> Envelope.ok(ctx, new Jobs(views())));
    }

    private void get(Context ctx) {
        String name = Params.pathId(ctx, "name");
        CronJob job = jobs().get(name);
        if (job == null) {
            throw ApiException.notFound("no cron job " + name);
        }
        Envelope.ok(ctx, JobView.of(job, Instant.now()));
    }

    /** Changes some fields of a job (or creates it, given a schedule); the cron expression is checked first. */
    private void put(Context ctx) {
        String name = Params.pathId(ctx, "name");
        JsonNode body = Params.body(ctx);
        CronJob current = jobs().get(name);
        String schedule = Params.bodyText(body, "schedule");
        String timezone = Params.bodyText(body, "timezone");
        String description = Params.bodyText(body, "description");
        JsonNode enabledNode = body.get("enabled");
        if (enabledNode != null && !enabledNode.isBoolean()) {
            throw ApiException.badRequest("enabled", "must be true or false");
        }
        if (current == null && schedule == null) {
            throw ApiException.badRequest("schedule", "is required to create job " + name);
        }
        CronJob job = new CronJob(name,
                schedule != null ? schedule : current.schedule(),
                enabledNode != null ? enabledNode.booleanValue() : current == null || current.enabled(),
                timezone != null ? timezone : current == null ? "UTC" : current.timezone(),
                description != null ? description : current == null ? null : current.description());
        try {
            CronSchedule.accepted(job, Instant.now());
        } catch (IllegalArgumentException e) {
            String field = timezone != null && e.getMessage() != null && e.getMessage().startsWith("unknown timezone")
                    ? "timezone" : "schedule";
            throw ApiException.badRequest(field, e.getMessage());
        }
        write(job);
        Envelope.ok(ctx, JobView.of(job, Instant.now()));
    }

    private void seed(Context ctx) {
        Backend b = backend.get();
        boolean overwrite = Params.flag(ctx, "overwrite");
        List<CronJob> seeded = b.seeder().seed(overwrite);
        for (CronJob job : seeded) {
            Writes.awaitVisible(() -> job.equals(jobs().get(job.name())));
        }
        Envelope.ok(ctx, new Seeded(seeded.stream().map(CronJob::name).toList(), views()));
    }

    private void write(CronJob job) {
        Backend b = backend.get();
        Writes.send(b.producer(), Topics.CRON_CONFIG, job.name(), Json.bytes(job), null);
        Writes.awaitVisible(() -> Objects.equals(job, jobs().get(job.name())));
    }

    private List<JobView> views() {
        Instant now = Instant.now();
        List<JobView> views = new ArrayList<>();
        try (KeyValueIterator<String, CronJob> it = jobs().all()) {
            it.forEachRemaining(kv -> views.add(JobView.of(kv.value, now)));
        }
        return views;
    }

    private ReadOnlyKeyValueStore<String, CronJob> jobs() {
        return backend.get().global(Stores.CRON_JOBS);
    }
}
