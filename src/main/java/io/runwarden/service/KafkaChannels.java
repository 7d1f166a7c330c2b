package io.runwarden.service;

import io.runwarden.kafka.StoreNames;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Json;
import io.runwarden.notify.Channel;
import io.runwarden.notify.DeliveryLog;
import io.runwarden.notify.DeliveryOutcome;
import io.runwarden.notify.DeliverySummary;
import io.runwarden.notify.Sender;
import io.runwarden.notify.TestMessage;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Channels written to {@code notification-channels} and read from every instance's global store of them; their
 * summaries and test sends go through the deliveries log and the senders the notifier uses.
 */
final class KafkaChannels implements Channels {
    /** How long a test send waits for its attempt to be readable in the deliveries before it answers anyway. */
    private static final Duration TEST_VISIBLE = Duration.ofSeconds(5);
    private final Producer<String, byte[]> producer;
    private final GlobalStores stores;
    private final Sender sender;
    private final DeliveryLog deliveries;
    private final Clock clock;

    KafkaChannels(Producer<String, byte[]> producer, GlobalStores stores, Sender sender, DeliveryLog deliveries, Clock clock) {
        this.producer = producer;
        this.stores = stores;
        this.sender = sender;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    @Override
    public List<View> list() {
        Map<String, DeliverySummary> summaries = deliveries.summaries(clock.instant());
        List<View> views = new ArrayList<>();
        try (KeyValueIterator<String, Channel> all = channels().all()) {
            all.forEachRemaining(kv -> views.add(View.of(kv.value, summaries.getOrDefault(kv.key, DeliverySummary.NONE))));
        }
        return views;
    }

    @Override
    public Optional<View> get(String name) {
        return Optional.ofNullable(channels().get(name)).map(channel -> View.of(channel, summary(name)));
    }

    /** One PUT at a time on this instance, so that two new channels cannot both be the 100th here. */
    @Override
    public synchronized View put(String name, Channel incoming) {
        Channel stored = channels().get(name);
        Channel channel = Channels.replaced(name, stored, incoming, stores.count(StoreNames.CHANNELS), clock.instant());
        Writes.send(producer, Topics.NOTIFICATION_CHANNELS, name, Json.bytes(channel), null);
        Writes.awaitVisible(() -> channel.equals(channels().get(name)));
        return View.of(channel, summary(name));
    }

    @Override
    public synchronized boolean delete(String name) {
        if (channels().get(name) == null) {
            return false;
        }
        Writes.send(producer, Topics.NOTIFICATION_CHANNELS, name, null, null);
        Writes.awaitVisible(() -> channels().get(name) == null);
        return true;
    }

    @Override
    public Optional<TestResult> test(String name) {
        Channel channel = channels().get(name);
        if (channel == null) {
            return Optional.empty();
        }
        TestMessage message = TestMessage.of(name, clock.instant());
        DeliveryOutcome outcome = sender.send(channel, message);
        deliveries.record(channel, message, 1, outcome, clock.instant(), null);
        // a GET of the deliveries right after the answer shows the test (the README reads it so); the send is done
        // either way, so a log that lags more is no reason to answer an error
        Writes.visibleWithin(() -> deliveries.holds(message.id()), TEST_VISIBLE);
        return Optional.of(new TestResult(message.id(), outcome.outcome(), outcome.httpStatus(), outcome.detail()));
    }

    private DeliverySummary summary(String name) {
        return deliveries.summary(name, clock.instant());
    }

    private ReadOnlyKeyValueStore<String, Channel> channels() {
        return stores.get(StoreNames.CHANNELS);
    }
}
