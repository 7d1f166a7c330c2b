package io.runwarden.http;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A Content-Type header as far as a JSON body cares: its type and, when given, its charset. */
record MediaType(String type, String charset) {
    static MediaType parse(String header) {
        if (header == null) {
            return new MediaType("", null);
        }
        // -1 keeps empty parts: ";" alone would split into none at all
        String[] parts = header.split(";", -1);
        String charset = null;
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                charset = unquote(parameter.substring(eq + 1).trim());
            }
        }
        return new MediaType(parts[0].trim().toLowerCase(Locale.ROOT), charset);
    }

    boolean isJson() {
        return type.equals("application/json");
    }

    /** JSON is UTF-8 (RFC 8259): no charset, or UTF-8 by any of its names ("utf8", "UTF-8"). */
    boolean isUtf8() {
        try {
            return charset == null || Charset.forName(charset).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException unknown) {
            return false;
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }
}
