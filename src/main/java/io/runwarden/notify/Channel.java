package io.runwarden.notify;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runwarden.model.AlertKind;

import java.time.Instant;
import java.util.List;

/**
 * A notification channel, the value of the compacted {@code notification-channels} topic keyed by {@code name}. Which
 * fields a type uses: webhook {@code url}, {@code secret}; slack {@code url}; email {@code to}; pagerduty
 * {@code routingKey}, {@code url}. {@code scripts} (globs) and {@code kinds} choose the alerts; {@code createdAt} is set
 * by runwarden on the first PUT. {@link ChannelRules#checked} gives a channel its defaults.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Channel(String name, ChannelType type, String url, String secret, List<String> to, String routingKey,
                      List<String> scripts, List<AlertKind> kinds, Boolean enabled, Instant createdAt) {

    public Channel withCreatedAt(Instant when) {
        return new Channel(name, type, url, secret, to, routingKey, scripts, kinds, enabled, when);
    }

    /**
     * The channel as a log line may show it: a record's own toString would print the secret, the routing key and the
     * URL (a webhook's may carry a token in its path or query, as Slack's always does).
     */
    @Override
    public String toString() {
        return "Channel[name=" + name + ", type=" + (type == null ? null : type.wireName()) + ", url=" + hidden(url)
                + ", secret=" + hidden(secret) + ", to=" + to + ", routingKey=" + hidden(routingKey) + ", scripts=" + scripts
                + ", kinds=" + kinds + ", enabled=" + enabled + ", createdAt=" + createdAt + "]";
    }

    private static String hidden(String value) {
        return value == null ? null : ChannelRules.MASK;
    }
}
