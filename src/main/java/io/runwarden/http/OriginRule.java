package io.runwarden.http;

import io.javalin.http.Context;
import io.runwarden.model.Bounds;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The Origin rule (DESIGN, "Process conventions"): a mutating request that a browser sends from a page elsewhere
 * carries that page's {@code Origin}; when its host:port differs from the {@code Host} the request was sent to, it
 * is refused, token or not, so that no web page can drive the API through a user's browser.
 */
final class OriginRule {
    private OriginRule() {
    }

    /** Throws 403 {@code forbidden_origin} when an {@code Origin} header is present and is not the request's host. */
    static void check(Context ctx) {
        List<String> origins = Collections.list(ctx.req().getHeaders("Origin"));
        String host = ctx.header("Host");
        for (String origin : origins) {
            if (!sameHostAndPort(origin, host)) {
                throw new ApiException(403, "forbidden_origin", "Origin " + Bounds.quote(origin) + " is not the host "
                        + Bounds.quote(host) + " this request was sent to: a page elsewhere may not change anything here");
            }
        }
    }

    /**
     * Whether {@code origin} names the same host and port as the {@code Host} header. A port left out is the default
     * of the origin's scheme on both sides: behind a proxy that ends TLS the Host header carries no port while the
     * browser's origin is https, and the page is still this service's own. {@code null} and garbage never match.
     */
    static boolean sameHostAndPort(String origin, String host) {
        if (origin == null || host == null) {
            return false;
        }
        URI from = parse(origin.trim());
        if (from == null || !(from.getScheme().equalsIgnoreCase("http") || from.getScheme().equalsIgnoreCase("https"))) {
            return false;
        }
        URI to = parse("http://" + host.trim());
        if (to == null) {
            return false;
        }
        int defaultPort = from.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return from.getHost().toLowerCase(Locale.ROOT).equals(to.getHost().toLowerCase(Locale.ROOT))
                && portOr(from, defaultPort) == portOr(to, defaultPort);
    }

    /** A {@code scheme://host[:port]} with nothing else (a browser's origin has no path, query or user). */
    private static URI parse(String text) {
        try {
            URI uri = new URI(text);
            boolean bare = uri.getScheme() != null && uri.getHost() != null && uri.getRawUserInfo() == null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
            return bare ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static int portOr(URI uri, int defaultPort) {
        return uri.getPort() == -1 ? defaultPort : uri.getPort();
    }
}
