package io.runwarden.notify;

import java.nio.charset.StandardCharsets;

/**
 * The {@code Runwarden-Alert-Id} header, on HTTP requests and on mail. A header carries printable ASCII only, and an id
 * can hold any character but a control one ({@code timeout:Sauvegarde-été}): every byte of its UTF-8 form outside
 * {@code !} to {@code ~}, and {@code %} itself, is written {@code %XX}. An id of printable ASCII without {@code %} (the
 * usual one) is sent as it is, and two ids never give the same header.
 */
public final class AlertIdHeader {
    public static final String NAME = "Runwarden-Alert-Id";

    private AlertIdHeader() {
    }

    public static String encode(String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        StringBuilder value = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c > 0x20 && c < 0x7F && c != '%') {
                value.append((char) c);
            } else {
                value.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return value.toString();
    }
}
