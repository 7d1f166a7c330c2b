package io.runwarden.notify;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runwarden.model.Alert;
import io.runwarden.model.Json;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON a webhook receives: an alert exactly as on {@code script-alerts}; a digest or a test as an object of its
 * own whose {@code alertId} is the notification's id and whose {@code kind} ({@code digest}, {@code test}) tells it
 * from an alert, so that one receiver can take all three.
 */
final class WebhookBodies {
    private WebhookBodies() {
    }

    static byte[] of(Notification notification) {
        if (notification instanceof AlertNotification single) {
            return Json.bytes(single.alert());
        }
        if (notification instanceof Digest digest) {
            return Json.bytes(DigestBody.of(digest));
        }
        return Json.bytes(TestBody.of((TestMessage) notification));
    }

    /**
     * A digest: {@code countsByKind} and {@code countsByScript} over all its alerts (scripts most first), {@code runs}
     * the first ten alerts as on {@code script-alerts}, {@code unlistedRuns} how many more there were.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DigestBody(String alertId, String kind, String batchId, String sweepId, String checkId, Instant time,
                      int alertCount, Map<String, Integer> countsByKind, Map<String, Integer> countsByScript,
                      List<Alert> runs, int unlistedRuns, String message) {
        static DigestBody of(Digest digest) {
            Map<String, Integer> kinds = new LinkedHashMap<>();
            digest.countsByKind().forEach((kind, count) -> kinds.put(kind.wireName(), count));
            return new DigestBody(digest.id(), "digest", digest.batchId(),
                    digest.fromSweep() ? digest.batchId() : null, digest.fromSweep() ? null : digest.batchId(),
                    digest.time(), digest.alerts().size(), kinds, digest.countsByScript(), digest.listedRuns(),
                    digest.unlistedRuns(), NotificationText.summary(digest));
        }
    }

    /** A test: the channel it proves and when it was asked for. */
    record TestBody(String alertId, String kind, String channel, Instant time, String message) {
        static TestBody of(TestMessage test) {
            return new TestBody(test.id(), "test", test.channel(), test.requestedAt(),
                    "Test message from runwarden for channel " + test.channel());
        }
    }
}
