package io.runwarden.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.runwarden.config.Settings;
import io.runwarden.kafka.HangingTransactions;
import io.runwarden.kafka.StoreNames;
import io.runwarden.kafka.Topics;
import io.runwarden.notify.AlertLog;
import io.runwarden.notify.Channel;
import io.runwarden.notify.DeliveryLog;
import io.runwarden.notify.Notifier;
import io.runwarden.notify.Senders;
import io.runwarden.runs.LocalRuns;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The services on running streams and one producer, which they share and which closes with them. */
public final class KafkaServices implements AutoCloseable {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<String, byte[]> producer;
    private final Services services;
    private final DeliveryLog deliveries;
    private final AlertLog alerts;
    private final Notifier notifier;
    private final HangingTransactions hanging;

    /**
     * @param runs            the read model of this instance's partitions
     * @param eventPartitions the partitions of {@code script-events}
     * @param self            where this instance's API is, as other instances reach it
     * @param feedPartitions  the partitions of the alert feed the notifier delivers
     * @param registry        where the notifier counts its deliveries
     */
    public KafkaServices(Settings settings, KafkaStreams streams, LocalRuns runs, int eventPartitions, HostInfo self,
                         CronConfigSeeder seeder, int feedPartitions, MeterRegistry registry) {
        Map<String, Object> config = settings.kafkaClientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        Clock clock = Clock.systemUTC();
        LocalPartitions local = new StreamsPartitions(streams, runs, eventPartitions);
        ClusterQueries cluster = new ClusterQueries(streams, local, self, settings.tokens().internal());
        GlobalStores stores = new GlobalStores(streams);
        Readiness readiness = new StreamsReadiness(streams, Map.of(Topics.SCRIPT_EVENTS, eventPartitions,
                Topics.alertOutcomes(settings.applicationId()), feedPartitions));
        deliveries = new DeliveryLog(settings.kafkaClientConfig(), Topics.deliveries(settings.applicationId()), registry).start();
        alerts = new AlertLog(settings.kafkaClientConfig(), Topics.SCRIPT_ALERTS).start();
        // one set of senders: a test send goes out exactly as the notifier's alerts do
        Senders senders = new Senders(Senders.httpClient(), settings.smtp());
        KafkaPolicies policies = new KafkaPolicies(producer, stores, settings.defaultMaxRuntime(), clock);
        services = new Services(new KafkaRuns(producer, cluster, stores, clock, policies::changes),
                new KafkaSweeps(producer, streams, cluster, eventPartitions, settings.defaultMaxRuntime(), clock),
                new KafkaCronJobs(producer, stores, seeder, clock),
                policies,
                new KafkaChannels(producer, stores, senders, deliveries, clock), deliveries::page, alerts::recent,
                local, readiness);
        notifier = new Notifier(() -> channels(stores), settings.kafkaClientConfig(), settings.applicationId(),
                self.host() + ":" + self.port(), Topics.alertFeed(settings.applicationId()), feedPartitions,
                senders, deliveries, clock).start();
        hanging = new HangingTransactions(settings.kafkaClientConfig(), settings.applicationId(),
                () -> holdsPartitionZero(streams, self), registry, clock).start();
    }

    /**
     * Whether this instance holds partition 0 of {@code script-events}, as its scheduler does, or no instance does (a
     * group stuck rebalancing, perhaps over the very transaction to abort): one instance acts for the others.
     */
    private static boolean holdsPartitionZero(KafkaStreams streams, HostInfo self) {
        TopicPartition zero = new TopicPartition(Topics.SCRIPT_EVENTS, 0);
        try {
            return streams.metadataForAllStreamsClients().stream().filter(client -> client.topicPartitions().contains(zero))
                    .findFirst().map(owner -> owner.hostInfo().equals(self)).orElse(true);
        } catch (RuntimeException notRunning) {
            return true;
        }
    }

    /** Every channel; null while the store is moving in a rebalance (the notifier then waits for the next look). */
    private static List<Channel> channels(GlobalStores stores) {
        List<Channel> channels = new ArrayList<>();
        try (KeyValueIterator<String, Channel> all = stores.<Channel>get(StoreNames.CHANNELS).all()) {
            all.forEachRemaining(entry -> channels.add(entry.value));
            return channels;
        } catch (InvalidStateStoreException moving) {
            return null;
        }
    }

    public Services services() {
        return services;
    }

    @Override
    public void close() {
        hanging.close();
        notifier.close();
        deliveries.close();
        alerts.close();
        producer.close(CLOSE_TIMEOUT);
    }
}
