package io.runwarden.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.Roles;
import io.javalin.security.RouteRole;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runwarden.config.Settings;
import io.runwarden.config.Tokens;
import io.runwarden.model.Bounds;
import io.runwarden.model.InvalidEventException;
import io.runwarden.model.InvalidFieldException;
import io.runwarden.model.Json;
import io.runwarden.service.Conflict;
import io.runwarden.service.Services;
import io.runwarden.service.Unavailable;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The HTTP API on Javalin. It listens before the streams run (so {@code /health} answers and the port is known for
 * {@code application.server}); other routes answer 503 with {@code Retry-After} until the streams are RUNNING.
 */
public final class ApiServer implements AutoCloseable {
    /** Bodies are small JSON objects; anything bigger is refused with 413. */
    static final long MAX_BODY_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final String WEB_FILES = "/web";
    /** /metrics answers during start too: a scrape then shows the JVM, and a start that hangs can be seen. */
    private static final Set<String> ALWAYS_OPEN = Set.of("/health", "/ready", "/openapi.json", "/metrics", "/access");
    /** Prometheus' text format, what {@link PrometheusMeterRegistry#scrape()} writes. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /**
     * The dashboard loads only its own files and calls only this API: a strict policy keeps a script name or message
     * that slipped into the page as markup from running or from fetching anything elsewhere.
     */
    private static final String DASHBOARD_CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; "
            + "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    private static final Set<HandlerType> MUTATING = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.DELETE, HandlerType.PATCH);

    private final Javalin app;
    private volatile Services services;
    /** Why the process is failing, once the service runner says so; null while it is not. */
    private volatile String failure;
    /** Why the streams are stuck, for as long as they are; null while they are not. */
    private volatile Supplier<String> stuck = () -> null;

    private ApiServer(Access access, PrometheusMeterRegistry metrics) {
        String openApi = resource("/openapi.json");
        app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.http.prefer405over404 = true;
            config.startup.showJavalinBanner = false;
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler());
                // bodies are read before the routes, with no thread waiting on a slow client (BodyFirst)
                server.insertHandler(BodyFirst.handler());
            });
            // Jetty caches the header fields a connection has sent, matched without regard to case by default: a
            // token differing from a valid one only in case would pass on a connection that carried the valid one
            config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
            config.routes.beforeMatched(ctx -> {
                if (MUTATING.contains(ctx.method())) {
                    OriginRule.check(ctx);
                }
                access.check(ctx, need(ctx));
                if (!ALWAYS_OPEN.contains(ctx.path()) && !isDashboardFile(ctx.path()) && !isReady()) {
                    ctx.header("Retry-After", "5");
                    throw ApiException.unavailable("runwarden is starting or rebalancing; retry shortly");
                }
            });
            // The dashboard page (resources/web): static files are not routes, so they answer before the streams run
            // (the page then shows "starting…") and stay out of the route list that openapi.json documents.
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = WEB_FILES;
                files.location = Location.CLASSPATH;
                // no-cache: after an upgrade the browser revalidates instead of mixing an old app.js with a new API
                files.headers = Map.of("Cache-Control", "no-cache", "Content-Security-Policy", DASHBOARD_CSP,
                        "X-Content-Type-Options", "nosniff");
            });
            config.routes.get("/health", ctx -> {
                String reason = unhealthy();
                if (reason != null) {
                    throw ApiException.unavailable(reason);
                }
                Envelope.ok(ctx, Map.of("status", "UP"));
            }, Need.NOTHING);
            config.routes.get("/ready", ctx -> {
                String reason = unhealthy();
                if (reason != null) {
                    throw ApiException.unavailable(reason);
                }
                Services current = services;
                if (current == null || !current.readiness().ready()) {
                    ctx.header("Retry-After", "5");
                    throw ApiException.unavailable("streams are not RUNNING (starting, restoring or rebalancing), or a partition is assigned to no instance yet");
                }
                Envelope.ok(ctx, Map.of("status", "READY"));
            }, Need.NOTHING);
            config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi), Need.READ);
            config.routes.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape()), Need.METRICS);
            config.routes.get("/access", ctx -> Envelope.ok(ctx, access.grant(ctx)), Need.READ);
            routes(this::services).forEach(routes -> routes.register(config.routes));

            config.routes.after(UnreadBody::drain);

            config.routes.exception(ApiException.class, (e, ctx) -> Envelope.error(ctx, e.status(), e.code(), e.getMessage()));
            config.routes.exception(InvalidFieldException.class, (e, ctx) -> {
                ApiException bad = ApiException.badRequest(e.field(), e.getMessage());
                Envelope.error(ctx, bad.status(), bad.code(), bad.getMessage());
            });
            // an event a report route was given that the stream would refuse
            config.routes.exception(InvalidEventException.class, (e, ctx) ->
                    Envelope.error(ctx, 400, "invalid_event", e.getMessage()));
            config.routes.exception(Conflict.class, (e, ctx) -> Envelope.error(ctx, 409, e.code(), e.getMessage()));
            config.routes.exception(Unavailable.class, (e, ctx) -> {
                ctx.header("Retry-After", "5");
                Envelope.error(ctx, 503, "unavailable", e.getMessage());
            });
            // a store can move between the readiness check and the query: that is a rebalance, not a failure
            config.routes.exception(InvalidStateStoreException.class, (e, ctx) -> {
                ctx.header("Retry-After", "5");
                Envelope.error(ctx, 503, "unavailable", "state is moving between instances; retry shortly");
            });
            config.routes.exception(HttpResponseException.class, (e, ctx) ->
                    Envelope.error(ctx, e.getStatus(), codeOf(e.getStatus()), e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                // quoted: a path must not forge a log line, nor fill the log
                LOG.error("{} {} failed", ctx.method(), Bounds.quote(ctx.path()), e);
                Envelope.error(ctx, 500, "internal", "an internal error occurred; it has been logged");
            });
            config.routes.error(404, ctx -> fillIfEmpty(ctx, "not_found", "no route " + ctx.method() + " " + ctx.path()));
            config.routes.error(405, ctx -> fillIfEmpty(ctx, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path()));
            config.routes.error(413, ctx -> fillIfEmpty(ctx, "payload_too_large", "the body exceeds " + MAX_BODY_BYTES + " bytes"));
        });
    }

    /**
     * Starts listening; {@code port} 0 takes any free port; {@code metrics} is what {@code GET /metrics} shows. Whether
     * {@code host} is a loopback address decides whether reads are open without a token (DESIGN "Access").
     */
    public static ApiServer start(String host, int port, Tokens tokens, PrometheusMeterRegistry metrics) {
        ApiServer server = new ApiServer(new Access(tokens, Settings.isLoopback(host)), metrics);
        server.app.start(host, port);
        LOG.info("HTTP API listening on http://{}:{}", host, server.port());
        return server;
    }

    public int port() {
        return app.port();
    }

    /** The API's routes beyond the probes ({@code /health}, {@code /ready}, {@code /openapi.json}, {@code /metrics}). */
    static List<Routes> routes(Supplier<Services> services) {
        return List.of(new LogsRoutes(services), new CleanupRoutes(services), new CronRoutes(services),
                new PolicyRoutes(services), new NotificationRoutes(services), new IngestRoutes(services), new PingRoutes(services),
                new InternalRoutes(services));
    }

    /** Makes the routes live once the services exist. */
    public void serve(Services value) {
        this.services = value;
    }

    /** Why /health and /ready answer 503: the process failing, else the streams stuck; null while neither. */
    private String unhealthy() {
        String reason = failure;
        return reason != null ? reason : stuck.get();
    }

    /**
     * Asks {@code stuck} at every probe: while it gives a reason, /health and /ready answer 503 with it, so that a
     * watchdog that processes nothing does not say it is healthy; once it gives null again, they answer as before.
     */
    public void watch(Supplier<String> stuck) {
        this.stuck = stuck;
    }

    /**
     * Marks the process failing (the streams reached PENDING_ERROR or ERROR): from now on /health and /ready answer
     * 503 with {@code reason}, so that a supervisor sees it. The first reason stays: it is the cause, later ones follow.
     */
    public void fail(String reason) {
        synchronized (this) {
            if (failure == null) {
                failure = reason == null || reason.isBlank() ? "runwarden is failing" : reason;
            }
        }
        LOG.error("marked failing: {}", failure);
    }

    @Override
    public void close() {
        app.stop();
    }

    private Services services() {
        Services current = services;
        if (current == null || !current.readiness().running()) {
            throw ApiException.unavailable("runwarden is starting or rebalancing; retry shortly");
        }
        return current;
    }

    /** The gate of every route but the always-open ones: one look at the streams' state, no store read. */
    private boolean isReady() {
        Services current = services;
        return current != null && current.readiness().running();
    }

    /**
     * Javalin runs the before-matched handlers for static files too; the dashboard's own files must load while the
     * streams start, so that the page can say so. Only files at the top of resources/web are served there.
     */
    private static boolean isDashboardFile(String path) {
        return path.equals("/") || path.lastIndexOf('/') == 0 && !path.contains("..")
                && ApiServer.class.getResource(WEB_FILES + path) != null;
    }

    /**
     * What the matched route declared; the dashboard's files declare nothing (they are not routes). Anything else
     * without a declaration needs the API token: a route added without one is closed, not open.
     */
    private Need need(Context ctx) {
        Set<RouteRole> roles = ctx.routeRoles();
        if (roles.isEmpty() && ctx.method() == HandlerType.HEAD) {
            // Javalin answers a HEAD with the GET route of its path but passes on none of its roles: a HEAD needs what
            // its GET needs (a probe's HEAD /health, a HEAD of the logs that says as much as their GET's headers)
            ParsedEndpoint get = app.unsafe.internalRouter.findFirstHttpHandlerEntry(HandlerType.GET, ctx.path());
            Roles declared = get == null ? null : get.endpoint.metadata(Roles.class);
            roles = declared == null ? roles : declared.getRoles();
        }
        return roles.stream().filter(Need.class::isInstance).map(Need.class::cast).findFirst()
                .orElse(isDashboardFile(ctx.path()) ? Need.NOTHING : Need.WRITE);
    }

    private static void fillIfEmpty(Context ctx, String code, String message) {
        if (ctx.result() == null || ctx.result().isEmpty()) {
            Envelope.error(ctx, ctx.statusCode(), code, message);
        }
    }

    private static String codeOf(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> "http_" + status;
        };
    }

    private static String resource(String name) {
        try (InputStream in = ApiServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
