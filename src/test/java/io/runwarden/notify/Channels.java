package io.runwarden.notify;

import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;

import java.time.Instant;
import java.util.List;

/** Channels and alerts as the tests write them. */
final class Channels {
    static final Instant TIME = Instant.parse("2026-11-28T02:00:00.412Z");

    private Channels() {
    }

    static Channel webhook(String url, String secret) {
        return new Channel(null, ChannelType.WEBHOOK, url, secret, null, null, null, null, null, null);
    }

    static Channel slack(String url) {
        return new Channel(null, ChannelType.SLACK, url, null, null, null, null, null, null, null);
    }

    static Channel email(List<String> to) {
        return new Channel(null, ChannelType.EMAIL, null, null, to, null, null, null, null, null);
    }

    static Channel pagerduty(String routingKey, String url) {
        return new Channel(null, ChannelType.PAGERDUTY, url, null, null, routingKey, null, null, null, null);
    }

    static Channel routed(List<String> scripts, List<AlertKind> kinds, Boolean enabled) {
        return new Channel("ops", ChannelType.WEBHOOK, "https://hooks.example.com/x", null, null, null, scripts, kinds, enabled, null);
    }

    static Alert alert(AlertKind kind, String script, String runId) {
        return Alert.of(kind, script, runId, TIME, "Script marked as failed - exceeded 3 day timeout", null, null);
    }

    static Alert swept(String script, String runId, String sweepId) {
        return Alert.of(AlertKind.TIMEOUT, script, runId, TIME, "Script marked as failed - exceeded 3 day timeout", sweepId, null);
    }
}
