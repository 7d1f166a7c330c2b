package io.runwarden.notify;

import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.Json;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Sends Events API v2 events: {@code trigger} for a failed, timed-out or missed run, {@code resolve} when the script
 * recovers, both with {@code dedup_key} = the script name, so that one script is one incident however often it fails,
 * and its recovery closes it. PagerDuty gets no digests ({@link ChannelType#digests()}): the notifier sends it each alert.
 */
public final class PagerDutySender implements Sender {
    private final HttpDelivery http;

    public PagerDutySender(HttpClient client) {
        this(client, Sender.TIMEOUT, Clock.systemUTC());
    }

    PagerDutySender(HttpClient client, Duration timeout, Clock clock) {
        this.http = new HttpDelivery(client, timeout, clock);
    }

    @Override
    public DeliveryOutcome send(Channel channel, Notification notification) {
        if (notification instanceof AlertNotification single) {
            Alert alert = single.alert();
            String action = alert.kind() == AlertKind.RECOVERED ? PagerDutyEvent.RESOLVE : PagerDutyEvent.TRIGGER;
            String summary = NotificationText.summary(single) + " (run " + alert.runId() + ")"
                    + (alert.message() == null || alert.message().isEmpty() ? "" : ": " + alert.message());
            return post(channel, notification, PagerDutyEvent.of(channel.routingKey(), action, alert.scriptName(), summary,
                    alert.time(), alert));
        }
        if (notification instanceof TestMessage test) {
            return test(channel, test);
        }
        // the notifier asks ChannelType.digests() first: a digest here is a bug, and PagerDuty must not page it as one
        return DeliveryOutcome.failed(null, "a digest cannot go to PagerDuty: each alert is sent instead");
    }

    /**
     * A trigger that pages, then its resolve, so that a test leaves no incident open. Its incident is the test's own:
     * a key made of the channel's name is a valid script name, and the resolve would close that script's incident.
     */
    private DeliveryOutcome test(Channel channel, TestMessage test) {
        String dedupKey = "runwarden-test-" + test.uuid();
        WebhookBodies.TestBody details = WebhookBodies.TestBody.of(test);
        DeliveryOutcome triggered = post(channel, test, PagerDutyEvent.of(channel.routingKey(), PagerDutyEvent.TRIGGER,
                dedupKey, "runwarden test message for channel " + test.channel(), test.requestedAt(), details));
        if (triggered.outcome() != DeliveryOutcome.Outcome.DELIVERED) {
            return triggered;
        }
        DeliveryOutcome resolved = post(channel, test, PagerDutyEvent.of(channel.routingKey(), PagerDutyEvent.RESOLVE,
                dedupKey, "runwarden test message for channel " + test.channel(), test.requestedAt(), details));
        return resolved.outcome() == DeliveryOutcome.Outcome.DELIVERED ? triggered
                : DeliveryOutcome.delivered(triggered.httpStatus(), "triggered, but its resolve did not go through: " + resolved.detail());
    }

    private DeliveryOutcome post(Channel channel, Notification notification, PagerDutyEvent event) {
        String url = channel.url() == null ? ChannelRules.PAGERDUTY_EVENTS_URL : channel.url();
        return http.post(url, Json.bytes(event), Map.of(AlertIdHeader.NAME, AlertIdHeader.encode(notification.id())),
                Redactor.of(channel));
    }
}
