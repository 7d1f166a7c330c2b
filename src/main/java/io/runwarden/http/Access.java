package io.runwarden.http;

import io.javalin.http.Context;
import io.runwarden.config.Tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.List;

/**
 * The gate in front of every route (DESIGN "Access"): who holds which token, and whether that opens what the route
 * {@link Need}s. No token where one is needed is 401; a token that is presented but wrong is 401 on any route; a
 * valid token that does not open the route is 403. Both carry {@code WWW-Authenticate} as RFC 6750 says.
 */
final class Access {
    /** What {@code GET /access} answers: what the caller's credential opens, so that the page can hide what it cannot do. */
    record Grant(String token, boolean read, boolean write) {
    }

    /** The lists the presented token is in; all false without a token. */
    private record Credential(boolean api, boolean read, boolean metrics) {
        static final Credential ANONYMOUS = new Credential(false, false, false);

        boolean anonymous() {
            return !(api || read || metrics);
        }

        /** The name {@code GET /access} gives it: the list that opens the most. */
        String name() {
            return api ? "api" : read ? "read" : metrics ? "metrics" : "none";
        }
    }

    private static final String SCHEME = "Bearer ";
    private static final String REALM = "Bearer realm=\"runwarden\"";

    private final List<byte[]> api;
    private final List<byte[]> read;
    private final List<byte[]> metrics;
    private final boolean loopbackOnly;

    Access(Tokens tokens, boolean loopbackOnly) {
        this.api = tokens.api().stream().map(Access::digest).toList();
        this.read = tokens.read().stream().map(Access::digest).toList();
        this.metrics = tokens.metrics().stream().map(Access::digest).toList();
        this.loopbackOnly = loopbackOnly;
    }

    /** Lets the request on, or throws the 401 or 403 that says why not. */
    void check(Context ctx, Need declared) {
        Credential credential = credential(ctx);
        Need need = resolve(ctx, declared);
        if (allows(need, credential)) {
            return;
        }
        if (credential.anonymous()) {
            ctx.header("WWW-Authenticate", REALM);
            throw new ApiException(401, "unauthorized", "this route needs Authorization: Bearer <token> with "
                    + switch (need) {
                        case METRICS -> "a metrics token (RUNWARDEN_METRICS_TOKEN) or an API token";
                        case READ -> "a read token (RUNWARDEN_READ_TOKEN) or an API token";
                        default -> "an API token (RUNWARDEN_API_TOKEN)";
                    });
        }
        ctx.header("WWW-Authenticate", REALM + ", error=\"insufficient_scope\"");
        throw new ApiException(403, "forbidden", need == Need.METRICS
                ? "this token does not open /metrics: that takes a metrics token (RUNWARDEN_METRICS_TOKEN) or an API token"
                : credential.read() ? "this token can only read: changes need an API token"
                : "this token opens /metrics only");
    }

    /** What the caller may do; a wrong token never gets here ({@link #check} refused it). */
    Grant grant(Context ctx) {
        Credential credential = credential(ctx);
        return new Grant(credential.name(), allows(Need.READ, credential), allows(Need.WRITE, credential));
    }

    private boolean allows(Need need, Credential credential) {
        return switch (need) {
            case NOTHING -> true;
            case METRICS -> metrics.isEmpty() || credential.metrics() || credential.api();
            case READ -> loopbackOnly && read.isEmpty() || credential.read() || credential.api();
            case WRITE, WRITE_UNLESS_DRY_RUN, INTERNAL -> loopbackOnly && api.isEmpty() || credential.api();
        };
    }

    /** A dry run changes nothing; a {@code dryRun} the route would refuse (400) is taken for a write until then. */
    private static Need resolve(Context ctx, Need need) {
        if (need != Need.WRITE_UNLESS_DRY_RUN) {
            return need;
        }
        try {
            return Params.flag(ctx, "dryRun") ? Need.READ : Need.WRITE;
        } catch (ApiException e) {
            return Need.WRITE;
        }
    }

    /**
     * Which lists the request's token is in. RFC 6750's {@code Bearer <token>}, the scheme in any case (RFC 9110);
     * another scheme, no token, two headers or a token nobody holds is a wrong token, refused on every route. A token
     * may be in the read and the metrics lists both, and then opens what each opens. Every token is compared, each by
     * its SHA-256, so that the time taken says nothing of how much of a token was right.
     */
    private Credential credential(Context ctx) {
        List<String> headers = Collections.list(ctx.req().getHeaders("Authorization"));
        if (headers.isEmpty()) {
            return Credential.ANONYMOUS;
        }
        String header = headers.get(0);
        if (headers.size() == 1 && header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            byte[] presented = digest(header.substring(SCHEME.length()).strip());
            Credential credential = new Credential(matches(api, presented), matches(read, presented), matches(metrics, presented));
            if (!credential.anonymous()) {
                return credential;
            }
        }
        ctx.header("WWW-Authenticate", REALM + ", error=\"invalid_token\"");
        throw new ApiException(401, "unauthorized", "the Authorization header does not hold a valid token:"
                + " it must be Bearer <token>, with a token this service was given");
    }

    private static boolean matches(List<byte[]> tokens, byte[] presented) {
        boolean found = false;
        for (byte[] token : tokens) {
            found |= MessageDigest.isEqual(token, presented);
        }
        return found;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
