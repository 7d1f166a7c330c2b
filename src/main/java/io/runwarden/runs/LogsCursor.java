package io.runwarden.runs;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The opaque cursor of a logs page: where the previous page ended, in the newest-first order of the runs. */
final class LogsCursor {
    private static final String VERSION = "v1:";
    private static final int TIME_DIGITS = 19;

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
            if (text.startsWith(VERSION) && isPosition(text.substring(VERSION.length()))) {
                return text.substring(VERSION.length());
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("cursor is not a cursor this API returned");
    }

    /**
     * 19 digits of the newest-first time, ':' and a runId: the shape {@link #encode} writes. The runId is not held to
     * the id bounds: ids runwarden generates (missed slots, sweeps) may be longer, and a page can end on one.
     */
    private static boolean isPosition(String position) {
        if (position.length() <= TIME_DIGITS + 1 || position.charAt(TIME_DIGITS) != ':') {
            return false;
        }
        for (int i = 0; i < TIME_DIGITS; i++) {
            if (position.charAt(i) < '0' || position.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
