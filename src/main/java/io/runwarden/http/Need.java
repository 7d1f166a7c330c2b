package io.runwarden.http;

import io.javalin.security.RouteRole;

/** What a route needs from its caller (DESIGN "Access"): every route declares one when it is registered. */
enum Need implements RouteRole {
    /** {@code /health}, {@code /ready} and the dashboard's own files, which hold no data. */
    NOTHING,
    /** {@code /metrics}: nothing, unless RUNWARDEN_METRICS_TOKEN is set; then a metrics or an API token. */
    METRICS,
    /** A read: a read or an API token; nothing on a loopback listener while no read token is set. */
    READ,
    /** A change or a ping: an API token; nothing while none is set (on loopback only). */
    WRITE,
    /** {@code POST /script/cleanup-stale}: with {@code ?dryRun=true} it changes nothing and is a read. */
    WRITE_UNLESS_DRY_RUN,
    /** What instances ask each other: the API token, which they share. */
    INTERNAL
}
