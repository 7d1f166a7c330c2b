package io.runwarden.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runwarden.model.AlertKind;
import io.runwarden.notify.Channel;
import io.runwarden.notify.ChannelRules;
import io.runwarden.notify.ChannelType;
import io.runwarden.notify.DeliveryOutcome;
import io.runwarden.notify.DeliverySummary;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** Notification channels, kept on the compacted {@code notification-channels} topic, and their test sends. */
public interface Channels {
    /** The most channels runwarden keeps: each has a worker and a consumer group of its own on some instance. */
    int MAX_CHANNELS = 100;

    /** A channel as every answer shows it: masked, with what its latest delivery attempts say. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record View(String name, ChannelType type, String url, String secret, List<String> to, String routingKey,
                List<String> scripts, List<AlertKind> kinds, Boolean enabled, Instant createdAt, DeliverySummary deliveries) {
        /** The only way to a view: masked here, so that no answer can hold a secret by mistake. */
        public static View of(Channel channel, DeliverySummary deliveries) {
            Channel shown = ChannelRules.masked(channel);
            return new View(shown.name(), shown.type(), shown.url(), shown.secret(), shown.to(), shown.routingKey(),
                    shown.scripts(), shown.kinds(), shown.enabled(), shown.createdAt(), deliveries);
        }
    }

    /**
     * How a test send went. It is sent once: {@code retried} says an alert would have been tried again (a network
     * error, 408, 429, 5xx), {@code failed} that it would have been given up.
     * @param httpStatus the receiver's status, null when there was none (a network error, email)
     */
    record TestResult(String notificationId, DeliveryOutcome.Outcome outcome, Integer httpStatus, String detail) {
    }

    /**
     * The channel a PUT of {@code incoming} makes of {@code stored} (null: none): merged (a masked value keeps the
     * stored one), created now or when {@code stored} was, and checked.
     * @param count how many channels there are now
     * @throws io.runwarden.model.InvalidFieldException naming the field that is wrong
     * @throws Conflict {@code too_many_channels} when it would be channel {@value #MAX_CHANNELS} + 1
     */
    static Channel replaced(String name, Channel stored, Channel incoming, int count, Instant now) {
        Channel merged = ChannelRules.merged(stored, incoming);
        Channel channel = ChannelRules.checked(name, stored == null ? merged.withCreatedAt(now.truncatedTo(ChronoUnit.MILLIS)) : merged);
        if (stored == null && count >= MAX_CHANNELS) {
            throw new Conflict("too_many_channels", "there are already " + MAX_CHANNELS
                    + " channels, the most runwarden keeps: delete one or change one of them");
        }
        return channel;
    }

    List<View> list();

    Optional<View> get(String name);

    /**
     * Replaces (or creates) a channel: {@code incoming} as a PUT body gives it, a masked value keeping the stored one;
     * {@code createdAt} is set on creation and kept after. Returns once the channel is visible here.
     * @throws io.runwarden.model.InvalidFieldException naming the field that is wrong
     * @throws Conflict {@code too_many_channels} when it would be channel {@value #MAX_CHANNELS} + 1
     */
    View put(String name, Channel incoming);

    /** Removes a channel; returns once it is gone here, false when there was none. */
    boolean delete(String name);

    /** Sends a test message to the channel now and records the attempt; empty when there is no such channel. */
    Optional<TestResult> test(String name);
}
