package io.runwarden.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.runwarden.stream.EventPartitions;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/** What one instance answers for its own partitions when another instance fans a query out. */
final class InternalRoutes {
    private final Supplier<Backend> backend;

    InternalRoutes(Supplier<Backend> backend) {
        this.backend = backend;
    }

    /** One instance of the application as Kafka Streams sees it: where its API is and what it holds. */
    record Instance(String host, int port, List<Integer> activePartitions, List<Integer> standbyPartitions) {
    }

    void register(RoutesConfig routes) {
        String base = ClusterQueries.INTERNAL;
        routes.get(base + "/cluster", ctx -> Envelope.ok(ctx, backend.get().streams().metadataForAllStreamsClients().stream()
                .map(m -> new Instance(m.hostInfo().host(), m.hostInfo().port(), EventPartitions.of(m.topicPartitions()),
                        EventPartitions.of(m.standbyTopicPartitions())))
                .sorted(Comparator.comparing(Instance::port)).toList()));
        routes.get(base + "/logs", ctx -> Envelope.ok(ctx, local().logs(LogsRoutes.query(ctx))));
        routes.get(base + "/script-stats", ctx -> Envelope.ok(ctx, local().scriptStats()));
        routes.get(base + "/due", ctx -> {
            Instant asOf = Params.instant(ctx, "asOf");
            Envelope.ok(ctx, local().due(asOf == null ? Instant.now() : asOf,
                    Params.integer(ctx, "limit", LogsRoutes.DEFAULT_LIMIT, 1, LogsRoutes.MAX_LIMIT)));
        });
        routes.get(base + "/runs/{runId}", ctx -> {
            String runId = Params.pathId(ctx, "runId");
            Envelope.ok(ctx, local().run(runId, partition(ctx)).orElseThrow(() -> ApiException.notFound("no run " + runId)));
        });
        routes.get(base + "/sweeps/{sweepId}", ctx -> Envelope.ok(ctx, local().sweep(ctx.pathParam("sweepId"), partition(ctx))
                .orElseThrow(() -> ApiException.notFound("no sweep " + ctx.pathParam("sweepId")))));
    }

    private LocalQueries local() {
        return backend.get().queries().local();
    }

    /** A partition of script-events: one beyond the topic is a bad request, not a store that is moving (503). */
    private int partition(Context ctx) {
        return Params.integer(ctx, "partition", 0, 0, backend.get().eventPartitions() - 1);
    }
}
