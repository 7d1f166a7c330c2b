package io.runwarden.service;

import io.runwarden.kafka.StoreNames;
import io.runwarden.kafka.Topics;
import io.runwarden.model.CronJob;
import io.runwarden.model.Json;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Cron jobs written to {@code cron-config} and read from every instance's global store of them. */
final class KafkaCronJobs implements CronJobs {
    private final Producer<String, byte[]> producer;
    private final GlobalStores stores;
    private final CronConfigSeeder seeder;
    private final Clock clock;

    KafkaCronJobs(Producer<String, byte[]> producer, GlobalStores stores, CronConfigSeeder seeder, Clock clock) {
        this.producer = producer;
        this.stores = stores;
        this.seeder = seeder;
        this.clock = clock;
    }

    @Override
    public List<View> list() {
        Instant now = clock.instant();
        List<View> views = new ArrayList<>();
        try (KeyValueIterator<String, CronJob> it = jobs().all()) {
            it.forEachRemaining(kv -> views.add(View.of(kv.value, now)));
        }
        return views;
    }

    @Override
    public Optional<View> get(String name) {
        return Optional.ofNullable(jobs().get(name)).map(job -> View.of(job, clock.instant()));
    }

    /** One change at a time, as a policy's: a change keeps the fields it leaves out, read from the job as it is. */
    @Override
    public synchronized View change(String name, Change change) {
        CronJob job = change.applyTo(name, jobs().get(name), stores.count(StoreNames.CRON_JOBS), clock.instant());
        Writes.send(producer, Topics.CRON_CONFIG, job.name(), Json.bytes(job), null);
        Writes.awaitVisible(() -> Objects.equals(job, jobs().get(job.name())));
        return View.of(job, clock.instant());
    }

    @Override
    public Seeded seed(boolean overwrite) {
        List<CronJob> seeded = seeder.seed(overwrite);
        for (CronJob job : seeded) {
            Writes.awaitVisible(() -> job.equals(jobs().get(job.name())));
        }
        return new Seeded(seeded.stream().map(CronJob::name).toList(), list());
    }

    private ReadOnlyKeyValueStore<String, CronJob> jobs() {
        return stores.get(StoreNames.CRON_JOBS);
    }
}
