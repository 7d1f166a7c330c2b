package io.runwarden.notify;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.runwarden.model.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The opaque cursor of a page of deliveries: the sort key of the page's last attempt in {@link DeliveryLog#NEWEST_FIRST}
 * (time, channel, notification, attempt), so that any instance, whose memory holds the same attempts in the same order,
 * goes on from there.
 */
final class DeliveryCursor {
    private static final String VERSION = "d1:";
    private static final ObjectReader STRICT = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private DeliveryCursor() {
    }

    static String encode(DeliveryAttempt last) {
        byte[] key = Json.bytes(List.of(last.time().toEpochMilli(), last.channel(), last.notificationId(), last.attempt()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (VERSION + new String(key, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An attempt holding only the sort key, to page after; null for no cursor.
     * @throws IllegalArgumentException when {@code cursor} is not one {@link #encode} wrote
     */
    static DeliveryAttempt decode(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith(VERSION)) {
                JsonNode key = STRICT.readTree(text.substring(VERSION.length()));
                if (key != null && key.isArray() && key.size() == 4 && key.get(0).isIntegralNumber()
                        && key.get(0).canConvertToLong() && key.get(1).isTextual() && key.get(2).isTextual()
                        && key.get(3).isInt()) {
                    return new DeliveryAttempt(key.get(1).textValue(), key.get(2).textValue(), null, null, null, null, null,
                            key.get(3).intValue(), null, null, null, Instant.ofEpochMilli(key.get(0).longValue()), null);
                }
            }
        } catch (IllegalArgumentException | IOException | java.time.DateTimeException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("is not a cursor this API returned");
    }
}
