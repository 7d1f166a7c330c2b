package io.runwarden;

import io.runwarden.config.Settings;
import io.runwarden.http.ApiServer;
import io.runwarden.kafka.DataDirLock;
import io.runwarden.kafka.EmbeddedKafka;
import io.runwarden.kafka.StoreNames;
import io.runwarden.kafka.StreamsProperties;
import io.runwarden.kafka.TopicInitializer;
import io.runwarden.kafka.TopicSpec;
import io.runwarden.kafka.Topics;
import io.runwarden.metrics.ServiceMetrics;
import io.runwarden.model.Times;
import io.runwarden.runs.LocalRuns;
import io.runwarden.runs.RestoredRuns;
import io.runwarden.sweep.SweepWrites;
import io.runwarden.service.CronConfigSeeder;
import io.runwarden.service.KafkaServices;
import io.runwarden.service.Readiness;
import io.runwarden.service.Sweeps;
import io.runwarden.stream.RunwardenTopology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Owns the lifecycle: the embedded broker when no cluster is configured, topics, default cron jobs, the streams.
 * {@link #start} returns once the streams are running; {@link #close} stops the streams, then the broker.
 */
public final class RunwardenService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunwardenService.class);
    private static final Duration START_PROGRESS = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration INDEX_POLL = Duration.ofMillis(50);

    private final Settings settings;
    private final EmbeddedKafka broker;
    private final ApiServer api;
    private final KafkaStreams streams;
    private final KafkaServices services;
    private final ServiceMetrics metrics;
    private final DataDirLock dataDirLock;

    private RunwardenService(Settings settings, EmbeddedKafka broker, ApiServer api, KafkaStreams streams,
                             KafkaServices services, ServiceMetrics metrics, DataDirLock dataDirLock) {
        this.settings = settings;
        this.broker = broker;
        this.api = api;
        this.streams = streams;
        this.services = services;
        this.metrics = metrics;
        this.dataDirLock = dataDirLock;
    }

    /** Starts a service that only logs when its streams fail for good: for embedding, where the host decides. */
    public static RunwardenService start(Settings configured) {
        return start(configured, () -> { });
    }

    /**
     * @param onStreamsError called once, on a thread of its own, when the streams reach ERROR after they first ran:
     *                       nothing is processed any more, so the process should exit for its supervisor to restart it
     *                       (a start that fails before the streams first ran throws instead)
     */
    public static RunwardenService start(Settings configured, Runnable onStreamsError) {
        long began = System.nanoTime();
        LOG.info("runwarden starting: {}", configured);
        configured.requireTokenBeyondLoopback();
        // before the broker or the streams touch the directory: a second process must leave it as it found it
        DataDirLock dataDirLock = DataDirLock.acquire(configured.dataDir());
        // the broker and the HTTP server start side by side: neither needs the other, and each takes about a second
        CompletableFuture<EmbeddedKafka> starting = configured.embeddedKafka()
                ? CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(configured.dataDir(), configured.embeddedKafkaPort(),
                        Set.of(configured.httpPort()), Map.of()))
                : CompletableFuture.completedFuture(null);
        EmbeddedKafka broker = null;
        ApiServer api = null;
        KafkaStreams streams = null;
        KafkaServices services = null;
        ServiceMetrics metrics = new ServiceMetrics();
        try {
            api = ApiServer.start(configured.httpHost(), configured.httpPort(), configured.tokens(), metrics.registry());
            broker = joined(starting);
            Settings settings = broker == null ? configured : configured.withBootstrapServers(broker.bootstrapServers());
            int eventPartitions;
            int feedPartitions;
            int deadLetterMaxBytes;
            try (Admin admin = Admin.create(settings.kafkaClientConfig())) {
                TopicInitializer topics = new TopicInitializer(admin, settings.replicationFactor());
                eventPartitions = topics.ensure(TopicSpec.all(settings.applicationId()),
                        List.of(StoreNames.changelog(settings.applicationId(), StoreNames.RUNS)));
                feedPartitions = topics.requireSamePartitions(Topics.alertOutcomes(settings.applicationId()),
                        Topics.alertFeed(settings.applicationId()));
                deadLetterMaxBytes = topics.maxMessageBytes(Topics.SCRIPT_EVENTS_DLQ);
            }
            CronConfigSeeder seeder = new CronConfigSeeder(settings.kafkaClientConfig());
            // written while the streams are built, and before they start: their global table then restores the jobs
            CompletableFuture<?> seeding = CompletableFuture.runAsync(() -> seeder.seed(false));

            Properties streamsProperties = StreamsProperties.of(settings, api.port(), metrics.meters(), deadLetterMaxBytes,
                    eventPartitions);
            RestoredRuns restoredRuns = new RestoredRuns();
            streamsProperties.put(RestoredRuns.CONFIG, restoredRuns);
            SweepWrites sweepWrites = new SweepWrites();
            streamsProperties.put(SweepWrites.CONFIG, sweepWrites);
            streams = new KafkaStreams(RunwardenTopology.build(settings.defaultMaxRuntime(), settings.retention(), eventPartitions,
                            feedPartitions, settings.applicationId()), streamsProperties);
            StreamsStateWatch watch = new StreamsStateWatch(api::fail, onStreamsError);
            streams.setGlobalStateRestoreListener(new RestoreProgress(restoredRuns, watch));
            streams.setStandbyUpdateListener(restoredRuns);
            LocalRuns runs = new LocalRuns(streams, sweepWrites, restoredRuns);
            metrics.watch(streams, runs::runsInProgress, runs::partitionsRebuilding);
            api.watch(watch::stuck);
            streams.setStateListener(watch);
            streams.setUncaughtExceptionHandler(watch);
            joined(seeding);
            streams.start();
            // built while the streams join their group: the services' clients need nothing of the streams yet
            services = new KafkaServices(settings, streams, runs, eventPartitions,
                    new HostInfo(settings.advertised(), api.port()), seeder, feedPartitions, metrics.registry());
            if (!watch.awaitFirstRun(streams, START_PROGRESS)) {
                throw new IllegalStateException("streams failed to start: they failed before they first ran", watch.failure());
            }
            awaitReady(services.services().readiness(), streams);
            if (!streams.state().isRunningOrRebalancing()) {
                throw new IllegalStateException("streams failed before the service was ready: " + streams.state(), watch.failure());
            }
            api.serve(services.services());
            LOG.info("runwarden ready in {} ms: Kafka {}, {} partitions of script-events, default max runtime {}, HTTP port {}",
                    (System.nanoTime() - began) / 1_000_000, settings.bootstrapServers(), eventPartitions,
                    Times.format(settings.defaultMaxRuntime()), api.port());
            return new RunwardenService(settings, broker, api, streams, services, metrics, dataDirLock);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            try {
                closeQuietly(api, services, streams, metrics, broker);
            } finally {
                dataDirLock.close();
            }
            throw new IllegalStateException("interrupted while starting", e);
        } catch (RuntimeException e) {
            try {
                closeQuietly(api, services, streams, metrics, starting.exceptionally(failed -> null).join());
            } finally {
                dataDirLock.close();
            }
            throw e;
        }
    }

    /**
     * A rebuild of the indexes goes step by step while events are applied, and an assignment that left a partition to
     * nobody is redone: reads wait for both, and so does ready. Streams that stop for good end the wait.
     */
    private static void awaitReady(Readiness readiness, KafkaStreams streams) throws InterruptedException {
        long lastLog = System.nanoTime();
        while (streams.state().isRunningOrRebalancing() && !readiness.ready()) {
            Thread.sleep(INDEX_POLL.toMillis());
            if (System.nanoTime() - lastLog > START_PROGRESS.toNanos()) {
                LOG.info("streams are {}: rebuilding the indexes from the runs, or waiting for every partition to be "
                        + "assigned; /ready answers once both are done", streams.state());
                lastLog = System.nanoTime();
            }
        }
    }

    /** What a step taken on another thread gave (the embedded broker, say), or its failure as it was thrown. */
    private static <T> T joined(CompletableFuture<T> step) {
        try {
            return step.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Sweeps on demand, from Java: {@code sweeps().sweep(timeout)}. */
    public Sweeps sweeps() {
        return services.services().sweeps();
    }

    /** The Kafka cluster the service uses: the embedded broker's address when it started one. */
    public String bootstrapServers() {
        return settings.bootstrapServers();
    }

    /** The port the HTTP API listens on. */
    public int httpPort() {
        return api.port();
    }

    @Override
    public void close() {
        api.close();
        services.close();
        // leaving the group hands the partitions over at once instead of after the session timeout (45 s)
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
        metrics.close();
        if (broker != null) {
            broker.close();
        }
        dataDirLock.close();
        LOG.info("runwarden stopped");
    }

    /** What a failed start opened, in the order {@link #close} goes; the streams' state directory is unlocked with them. */
    private static void closeQuietly(ApiServer api, KafkaServices services, KafkaStreams streams, ServiceMetrics metrics,
                                     EmbeddedKafka broker) {
        if (api != null) {
            api.close();
        }
        if (services != null) {
            services.close();
        }
        if (streams != null) {
            streams.close(CLOSE_TIMEOUT);
        }
        metrics.close();
        if (broker != null) {
            broker.close();
        }
    }
}
