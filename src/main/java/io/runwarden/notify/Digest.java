package io.runwarden.notify;

import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.CodePointOrder;

import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The alerts that one sweep or missed-start check raised for one channel, sent as one message: a sweep that times
 * out 300 runs pages once, not 300 times. Everything shown is derived from the alerts, so a retry sends the same.
 * {@code part} is null for a whole batch; a part of one sent before the batch ended everywhere has its own id.
 */
public record Digest(String batchId, String part, List<Alert> alerts) implements Notification {
    /** How many runs a digest lists one by one. */
    public static final int LISTED_RUNS = 10;

    /** @throws IllegalArgumentException when the alerts are none or not all of {@code batchId} */
    public Digest {
        Objects.requireNonNull(batchId, "batchId");
        alerts = List.copyOf(alerts);
        if (alerts.isEmpty()) {
            throw new IllegalArgumentException("a digest needs at least one alert");
        }
        for (Alert alert : alerts) {
            if (!batchId.equals(alert.batchId())) {
                throw new IllegalArgumentException("alert " + alert.alertId() + " is not of batch " + batchId);
            }
        }
    }

    /** The digest of alerts of one whole batch, in the order they were raised. */
    public static Digest of(List<Alert> alerts) {
        return of(alerts, null);
    }

    /** The digest of alerts of one batch, or of the part {@code part} of it (null: whole). */
    public static Digest of(List<Alert> alerts, String part) {
        if (alerts.isEmpty()) {
            throw new IllegalArgumentException("a digest needs at least one alert");
        }
        return new Digest(alerts.get(0).batchId(), part, alerts);
    }

    /** {@code digest:{batchId}}, or {@code digest:{batchId}:{part}} for a part. */
    @Override
    public String id() {
        return "digest:" + batchId + (part == null ? "" : ":" + part);
    }

    /** Whether a sweep raised these (else a missed-start check). */
    public boolean fromSweep() {
        return alerts.get(0).sweepId() != null;
    }

    /** The latest alert's time: when the batch was last heard of. */
    public Instant time() {
        return alerts.stream().map(Alert::time).filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
    }

    /** Alerts per script, most first, ties by name. */
    public Map<String, Integer> countsByScript() {
        Map<String, Integer> counts = new HashMap<>();
        for (Alert alert : alerts) {
            counts.merge(alert.scriptName(), 1, Integer::sum);
        }
        Map<String, Integer> ordered = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey(CodePointOrder.COMPARATOR)))
                .forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return ordered;
    }

    /** Alerts per kind, in the kinds' order, only the kinds there are. */
    public Map<AlertKind, Integer> countsByKind() {
        Map<AlertKind, Integer> counts = new EnumMap<>(AlertKind.class);
        for (Alert alert : alerts) {
            counts.merge(alert.kind(), 1, Integer::sum);
        }
        return counts;
    }

    /** The runs listed one by one: the first {@value #LISTED_RUNS}. */
    public List<Alert> listedRuns() {
        return alerts.subList(0, Math.min(LISTED_RUNS, alerts.size()));
    }

    /** The runs counted but not listed. */
    public int unlistedRuns() {
        return alerts.size() - listedRuns().size();
    }
}
