package io.runwarden;

import io.runwarden.config.Settings;
import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
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

/**
 * A steady event rate and concurrent reads held for a minute: no error, and consumer lag that stays bounded.
 * Prints the rates reached; the figures that matter for speed are the benchmarks', not this test's.
 */
class LoadTest {
    private static final Duration LENGTH = Duration.ofMinutes(1);
    private static final int EVENTS_PER_SECOND = 1_000;
    private static final int READERS = 3;
    /** Each reader is a dashboard polling hard, not a flood: ~40 reads/s, so the load is the service's alone to carry. */
    private static final Duration READ_PAUSE = Duration.ofMillis(25);
    /**
     * Twenty seconds of traffic. On two shared cores the readers, the producer and the broker compete with the
     * service, so the lag breathes (a few seconds' worth was seen); a service falling behind would pass any bound.
     */
    private static final long MAX_LAG = 20L * EVENTS_PER_SECOND;

    @TempDir
    Path dataDir;

    @Test
    void steadyEventsAndConcurrentReadsForAMinuteWithoutErrorAndWithBoundedLag() throws Exception {
        try (RunwardenService service = RunwardenService.start(new Settings("", 0, dataDir, "127.0.0.1", 0,
                Duration.ofDays(3), null, "runwarden-load", null, Duration.ofDays(90), Map.of()));
             KafkaTestClient kafka = new KafkaTestClient(service.settings().bootstrapServers());
             Admin admin = Admin.create(service.settings().kafkaClientConfig())) {
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
            Instant began = Instant.now();
            Instant end = began.plus(LENGTH);
            Instant nextLagCheck = began.plusSeconds(5);
            while (Instant.now().isBefore(end)) {
                long due = Duration.between(began, Instant.now()).toMillis() * EVENTS_PER_SECOND / 1_000;
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
                Thread.sleep(10);
            }
            kafka.flush();
            long finalLag = lag(admin);
            running.set(false);
            for (Thread reader : readers) {
                reader.join();
            }
            double seconds = Duration.between(began, Instant.now()).toMillis() / 1_000.0;
            List<Long> sorted = latencies.stream().sorted().toList();
            System.out.printf("load: %d events in %.0f s (%.0f events/s), %d reads by %d readers (%.0f reads/s),"
                            + " read latency p50 %.1f ms p99 %.1f ms, max consumer lag %d, lag at the end %d%n",
                    sent, seconds, sent / seconds, reads.get(), READERS, reads.get() / seconds,
                    sorted.get(sorted.size() / 2) / 1_000.0, sorted.get(sorted.size() * 99 / 100) / 1_000.0, maxLag, finalLag);

            assertThat(errors).isEmpty();
            assertThat(sent).isGreaterThanOrEqualTo(EVENTS_PER_SECOND * (LENGTH.toSeconds() - 2));
            assertThat(maxLag).isLessThan(MAX_LAG);
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
