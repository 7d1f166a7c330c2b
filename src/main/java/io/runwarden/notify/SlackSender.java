package io.runwarden.notify;

import io.runwarden.model.Json;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs to a Slack incoming webhook: {@code {"text": …}} in Slack's mrkdwn, the whole message in {@code text} (what
 * Slack shows in notifications, and all that Slack-compatible receivers such as Mattermost read).
 */
public final class SlackSender implements Sender {
    /** Slack's limit on {@code text}: it cuts a longer one wherever it falls. */
    static final int MAX_TEXT_CHARS = 40_000;
    private final HttpDelivery http;

    public SlackSender(HttpClient client) {
        this(client, Sender.TIMEOUT, Clock.systemUTC());
    }

    SlackSender(HttpClient client, Duration timeout, Clock clock) {
        this.http = new HttpDelivery(client, timeout, clock);
    }

    @Override
    public DeliveryOutcome send(Channel channel, Notification notification) {
        byte[] body = Json.bytes(new SlackMessage(NotificationText.body(notification, Markup.SLACK, MAX_TEXT_CHARS)));
        return http.post(channel.url(), body, Map.of(AlertIdHeader.NAME, AlertIdHeader.encode(notification.id())),
                Redactor.of(channel));
    }

    /** The incoming-webhook payload. */
    record SlackMessage(String text) {
    }
}
