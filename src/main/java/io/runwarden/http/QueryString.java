package io.runwarden.http;

import io.javalin.http.Context;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The query parameters of a request, always decoded as UTF-8. Javalin decodes them with the charset of the body's
 * Content-Type and throws on one it does not know ({@code charset=ebcdic}), which made any route a 500; a malformed
 * %-escape is a 400 here instead of an exception.
 */
final class QueryString {
    private static final String ATTRIBUTE = QueryString.class.getName();

    private QueryString() {
    }

    /** The first value of {@code name}, or null when the query has none. */
    static String first(Context ctx, String name) {
        Map<String, List<String>> params = ctx.attribute(ATTRIBUTE);
        if (params == null) {
            params = parse(ctx.queryString());
            ctx.attribute(ATTRIBUTE, params);
        }
        List<String> values = params.get(name);
        return values == null ? null : values.get(0);
    }

    static Map<String, List<String>> parse(String query) {
        Map<String, List<String>> params = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("query", "holds a malformed %-escape; encode parameters as UTF-8 percent-escapes");
        }
    }
}
