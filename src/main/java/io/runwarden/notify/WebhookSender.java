package io.runwarden.notify;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * POSTs the notification's JSON to the channel's URL with its id in {@code Runwarden-Alert-Id} and, when the channel
 * has a secret, the body's HMAC in {@code Runwarden-Signature}: the receiver can tell the request came from a holder
 * of the secret, and drop duplicates by id.
 */
public final class WebhookSender implements Sender {
    private final HttpDelivery http;

    public WebhookSender(HttpClient client) {
        this(client, Sender.TIMEOUT, Clock.systemUTC());
    }

    WebhookSender(HttpClient client, Duration timeout, Clock clock) {
        this.http = new HttpDelivery(client, timeout, clock);
    }

    @Override
    public DeliveryOutcome send(Channel channel, Notification notification) {
        byte[] body = WebhookBodies.of(notification);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(AlertIdHeader.NAME, AlertIdHeader.encode(notification.id()));
        if (channel.secret() != null) {
            headers.put(Signature.HEADER, Signature.of(channel.secret(), body));
        }
        return http.post(channel.url(), body, headers, Redactor.of(channel));
    }
}
