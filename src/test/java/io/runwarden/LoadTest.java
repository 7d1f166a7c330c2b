package io.runwarden;

import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A steady event rate and concurrent reads held for a minute: no error, and consumer lag that comes back within a
 * bound once the load stops. Prints the rates reached and the largest lag seen; the figures that matter for speed are
 * the benchmarks', not this test's, so none of them is asserted: on a loaded machine the service may fall behind for
 * a while, but it must catch up.
 */
@IntegrationTest
class LoadTest {
    private static final Duration LENGTH = Duration.ofMinutes(1);
    private static final int EVENTS_PER_SECOND = 1_000;
    private static final int READERS = 3;
    /** Each reader is a dashboard polling hard, not a flood: ~40 reads/s, so the load is the service's alone to carry. */
    private static final Duration READ_PAUSE = Duration.ofMillis(25);
    /**
     * Twenty seconds of traffic. On two shared cores the readers, the producer and the broker compete with the
     * service, so the lag breathes (a few seconds' worth was seen, more with other JVMs on the cores); the lag must
     * be back under this within {@link Patience#DRAIN} of the load's end: a service that stopped would never be.
     */
    private static final long MAX_LAG = 20L * EVENTS_PER_SECOND;

    @TempDir
    Path dataDir;

    @Test
    void steadyEventsAndConcurrentReadsForAMinuteWithoutErrorAndWithBoundedLag() throws Exception {
        try (RunwardenService service = RunwardenService.start(TestSettings.env("RUNWARDEN_DATA_DIR", dataDir.toString(),
                "RUNWARDEN_APPLICATION_ID", "runwarden-load"));
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, service.bootstrapServers()))) {
            HttpTestClient http = new HttpTestClient(service.httpPort(), null);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong reads = new AtomicLong();
            List<String> errors = Collections.synchronizedList(new ArrayList<>());
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            List<Thread> readers = new ArrayList<>();
            List<String> paths = List.of("/script/logs?limit=100", "/script/logs?scriptName=script-7&limit=50",
                    "/script/dashboard-view", "/script/logs/run-42", "/script/logs?status=0&limit=20");
            for (int r = 0; r < READERS; r++) {
                int offset = r;
                Thread reader = new Thread(() -> {
                    for (int i = offset; running.get(); i++) {
                        String path = paths.get(i % paths.size());
                        long start = System.nanoTime();
                        HttpTestClient.Response response = http.get(path);
                        latencies.add((System.nanoTime() - start) / 1_000);
                        reads.incrementAndGet();
                        if (response.status() != 200 && !(response.status() == 404 && path.endsWith("run-42"))) {
                            errors.add(path + " -> " + response.status() + " " + response.text());
                        }
                        pause(READ_PAUSE);
                    }
                });
                reader.start();
                readers.add(reader);
            }

            long maxLag = 0;
            long sent = 0;
            // the whole load is sent, paced at the rate: on a slow machine the last events go out a little late
            long total = EVENTS_PER_SECOND * LENGTH.toSeconds();
            Instant began = Instant.now();
            Instant nextLagCheck = began.plusSeconds(5);
            while (sent < total) {
                long due = Math.min(total, Duration.between(began, Instant.now()).toMillis() * EVENTS_PER_SECOND / 1_000);
                for (; sent < due; sent++) {
                    String runId = "run-" + (sent / 3);
                    String json = switch ((int) (sent % 3)) {
                        case 0 -> "{\"scriptName\":\"script-" + (sent % 50) + "\",\"event\":\"started\"}";
                        case 1 -> "{\"event\":\"heartbeat\"}";
                        default -> "{\"event\":\"succeeded\",\"message\":\"ok\"}";
                    };
                    kafka.send(Topics.SCRIPT_EVENTS, runId, json);
                }
                if (Instant.now().isAfter(nextLagCheck)) {
                    kafka.flush();
                    maxLag = Math.max(maxLag, lag(admin));
                    nextLagCheck = Instant.now().plusSeconds(5);
                }
                Thread.sleep(10); // the pace of the load, not a wait for anything
            }
            kafka.flush();
            double sending = Duration.between(began, Instant.now()).toMillis() / 1_000.0;
            // the readers go on while the service catches up: it must, however busy the machine
            long finalLag = await().atMost(Patience.DRAIN).pollInterval(Duration.ofSeconds(1))
                    .until(() -> lag(admin), lag -> lag < MAX_LAG && reads.get() > 100);
            running.set(false);
            for (Thread reader : readers) {
                reader.join();
            }
            double seconds = Duration.between(began, Instant.now()).toMillis() / 1_000.0;
            List<Long> sorted = latencies.stream().sorted().toList();
            System.out.printf("load: %d events in %.0f s (%.0f events/s), %d reads by %d readers in %.0f s (%.0f reads/s),"
                            + " read latency p50 %.1f ms p99 %.1f ms, max consumer lag %d, lag at the end %d%n",
                    sent, sending, sent / sending, reads.get(), READERS, seconds, reads.get() / seconds,
                    sorted.get(sorted.size() / 2) / 1_000.0, sorted.get(sorted.size() * 99 / 100) / 1_000.0, maxLag, finalLag);

            assertThat(errors).isEmpty();
            assertThat(sent).isGreaterThanOrEqualTo(EVENTS_PER_SECOND * (LENGTH.toSeconds() - 2));
            assertThat(finalLag).isLessThan(MAX_LAG);
            assertThat(reads.get()).isGreaterThan(100);
        }
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Events written to script-events that the service has not committed yet, over all partitions. */
    private static long lag(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("runwarden-load")
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                .filter(tp -> tp.topic().equals(Topics.SCRIPT_EVENTS))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        long lag = 0;
        for (var entry : admin.listOffsets(latest).all().get().entrySet()) {
            lag += entry.getValue().offset() - committed.get(entry.getKey()).offset();
        }
        return lag;
    }
}
