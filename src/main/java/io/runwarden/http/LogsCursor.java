package io.runwarden.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The opaque cursor of a logs page: where the previous page ended, in the newest-first order. */
final class LogsCursor {
    private static final String VERSION = "v1:";

    private LogsCursor() {
    }

    static String encode(String position) {
        return position == null ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + position).getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith(VERSION) && text.length() > VERSION.length() + 20 && text.charAt(VERSION.length() + 19) == ':') {
                return text.substring(VERSION.length());
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw ApiException.badRequest("cursor", "is not a cursor this API returned");
    }
}
