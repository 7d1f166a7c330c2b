package io.runwarden.notify;

import io.runwarden.config.SmtpSettings;
import io.runwarden.model.Bounds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** One sender per channel type, and the dispatch by {@code channel.type()}. */
public final class Senders implements Sender {
    private static final Logger LOG = LoggerFactory.getLogger(Senders.class);

    private final Map<ChannelType, Sender> byType;

    public Senders(HttpClient http, SmtpSettings smtp) {
        this(http, smtp, Sender.TIMEOUT, Clock.systemUTC());
    }

    Senders(HttpClient http, SmtpSettings smtp, Duration timeout, Clock clock) {
        Map<ChannelType, Sender> senders = new EnumMap<>(ChannelType.class);
        senders.put(ChannelType.WEBHOOK, new WebhookSender(http, timeout, clock));
        senders.put(ChannelType.SLACK, new SlackSender(http, timeout, clock));
        senders.put(ChannelType.PAGERDUTY, new PagerDutySender(http, timeout, clock));
        senders.put(ChannelType.EMAIL, new EmailSender(smtp, timeout, clock));
        this.byType = Map.copyOf(senders);
    }

    /**
     * The HTTP client the senders are meant to share: connecting bounded (each request bounds the rest), and no
     * redirects followed: a 3xx is the receiver's answer, and following it would send a signed body, or a routing key,
     * wherever the receiver points.
     */
    public static HttpClient httpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(Sender.TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public Sender sender(ChannelType type) {
        return byType.get(type);
    }

    @Override
    public DeliveryOutcome send(Channel channel, Notification notification) {
        try {
            return byType.get(channel.type()).send(channel, notification);
        } catch (RuntimeException e) {
            // a bug, not the receiver: retried (an alert must not be dropped by one), and logged with its stack but
            // without its message, which could quote the channel's URL
            RuntimeException shown = new RuntimeException(e.getClass().getName());
            shown.setStackTrace(e.getStackTrace());
            LOG.error("sending {} to channel {} failed", Bounds.quote(notification.id()), Bounds.quote(channel.name()), shown);
            return DeliveryOutcome.retry(null, "internal error: " + e.getClass().getSimpleName(), null);
        }
    }
}
