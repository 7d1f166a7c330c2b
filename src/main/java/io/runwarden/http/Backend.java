package io.runwarden.http;

import io.runwarden.config.Settings;
import io.runwarden.kafka.Topics;
import io.runwarden.stream.CronConfigSeeder;
import io.runwarden.stream.SweepService;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** What the routes work with, once the streams exist. */
public record Backend(Settings settings, KafkaStreams streams, ClusterQueries queries, SweepService sweeps,
                      Producer<String, byte[]> producer, CronConfigSeeder seeder) {

    /** The streams run: routes may query them (a partition whose indexes are being rebuilt answers 503 itself). */
    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Running, and every local partition's indexes are complete, so that reads are whole: what /ready says. */
    public boolean ready() {
        if (!running()) {
            return false;
        }
        try {
            return queries.local().indexesComplete();
        } catch (InvalidStateStoreException e) {
            return false; // a store moving in a rebalance
        }
    }

    /** How many partitions script-events has, from the producer's view of the cluster metadata. */
    public int eventPartitions() {
        return producer.partitionsFor(Topics.SCRIPT_EVENTS).size();
    }

    /** A global store (cron jobs, policies): every instance holds all of it. */
    public <V> ReadOnlyKeyValueStore<String, V> global(String store) {
        return streams.store(StoreQueryParameters.<ReadOnlyKeyValueStore<String, V>>fromNameAndType(
                store, QueryableStoreTypes.keyValueStore()));
    }
}
