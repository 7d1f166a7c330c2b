package io.runwarden;

import io.runwarden.kafka.LoopbackPorts;
import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Disaster recovery (issue 10): the service's local Streams state is lost and every task rebuilds its indexes
 * from the runs restored from the changelog. Before the fix each task's rebuild ran as one step inside its
 * processor's {@code init}, all the restored tasks of the stream thread one after the other, while the transaction
 * opened by the index generation the first of them wrote stayed open: the broker aborted it once it outlived
 * {@code transaction.timeout.ms} and bumped the producer's epoch, the next task's index generation failed with
 * {@code InvalidProducerEpochException}, {@code failed to initialize processor} was fatal, the streams went to
 * ERROR and the service exited with "cannot start: streams failed to start: ERROR".
 *
 * <p>In production that took 1M runs and Streams' default 10 s timeout; here {@code RUNWARDEN_KAFKA_TRANSACTION_TIMEOUT_MS}
 * lowers it to 1 s for the restart and the test's broker looks for timed-out transactions every 100 ms instead of every 10 s, so
 * 200,000 runs (about 33,000 a task, rebuilt in 0.5 to 2 s each on two shared cores) reproduce it.
 * With Kafka's 10 s check a transaction is aborted anywhere up to 10 s after it timed out: 240,000 runs on the
 * stock broker had the producer fenced in both of two tries, and the start failed in one.
 *
 * <p>The service is ready as soon as the runs are restored, and answers every read at once, whether or not the rebuild
 * is over. The service and the broker are real processes; the broker keeps its data while the service's streams/ folder
 * is deleted, as on a new machine or after an unclean stop under exactly-once.
 */
@IntegrationTest
class RestoreTest {
    /** Runs stored before the local state is lost: one started event each, spread by key over the 6 partitions. */
    private static final int RUNS = 200_000;
    private static final int SCRIPTS = 50;
    /** Of the restarted service: far below Streams' default 10 s, so that the rebuild of a small state outlasts it. */
    private static final int TRANSACTION_TIMEOUT_MS = 1_000;
    /** The machine is shared and loaded: every wait has a ceiling of minutes, and ends as soon as its condition holds. */
    private static final Duration CEILING = Duration.ofMinutes(5);
    /** How often the broker aborts transactions that outlived their timeout (Kafka's default: 10 s). */
    private static final int ABORT_CHECK_MS = 100;

    @TempDir
    Path dir;

    @Test
    void aRestoreWhoseIndexRebuildOutlastsTheTransactionTimeoutStartsAndServesEveryRun() throws Exception {
        int brokerPort = LoopbackPorts.free();
        int httpPort = LoopbackPorts.free();
        Path serviceLog = dir.resolve("service.log");
        JavaProcess broker = new JavaProcess(BrokerProcess.class, List.of(dir.resolve("broker").toString(),
                String.valueOf(brokerPort), "transaction.abort.timed.out.transaction.cleanup.interval.ms=" + ABORT_CHECK_MS),
                Map.of(), dir.resolve("broker.log"),
                "BROKER READY");
        String bootstrap = "127.0.0.1:" + brokerPort;
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "RUNWARDEN_DATA_DIR", dir.resolve("service").toString(),
                "RUNWARDEN_HTTP_PORT", String.valueOf(httpPort),
                "RUNWARDEN_APPLICATION_ID", "runwarden-restore");
        // the runs are stored with Streams' default timeout: 1 s, checked every 100 ms, could abort an ordinary
        // transaction on a loaded machine, which is not what this test is about
        JavaProcess storing = new JavaProcess(Main.class, List.of(), env, serviceLog, "runwarden ready in");
        Map<String, String> lowered = new java.util.HashMap<>(env);
        lowered.put("RUNWARDEN_KAFKA_TRANSACTION_TIMEOUT_MS", String.valueOf(TRANSACTION_TIMEOUT_MS));
        JavaProcess service = new JavaProcess(Main.class, List.of(), lowered, serviceLog, "runwarden ready in");
        HttpTestClient http = new HttpTestClient(httpPort, null);
        long began = System.nanoTime();
        try {
            broker.start(Duration.ofSeconds(120));
            storing.start(CEILING);
            Instant start = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 20,
                    ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < RUNS; i++) {
                    producer.send(new ProducerRecord<>(Topics.SCRIPT_EVENTS, "run-" + i, started("script-" + i % SCRIPTS,
                            start.plusMillis(i))));
                }
                producer.flush();
            }
            System.out.printf("restore: %d runs produced after %d ms%n", RUNS, elapsed(began));
            await("every run applied").atMost(CEILING).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        assertThat(storing.alive()).as("the service still runs, see " + serviceLog).isTrue();
                        return DashboardTotal.runs(http);
                    }, n -> n == RUNS);
            System.out.printf("restore: %d runs applied after %d ms%n", RUNS, elapsed(began));

            storing.stop();
            deleteTree(dir.resolve("service").resolve("streams"));
            long linesBefore = lines(serviceLog);
            long restart = System.nanoTime();
            try {
                service.start(CEILING);
            } catch (AssertionError e) {
                throw new AssertionError("the service did not become ready after losing its local state ("
                        + elapsed(restart) + " ms); its log says:\n" + String.join("\n", keyLines(serviceLog, linesBefore)), e);
            }
            System.out.printf("restore: ready again %d ms after the restart%n", elapsed(restart));
            keyLines(serviceLog, linesBefore).forEach(line -> System.out.println("service.log: " + line));

            // ready once the runs are restored: partitions whose indexes are still being rebuilt are read from their runs
            double rebuilding = ScrapedMeters.total(httpPort, "runwarden_partitions_rebuilding");
            System.out.printf("restore: %.0f partitions still being rebuilt as the service became ready%n", rebuilding);
            assertThat(DashboardTotal.runs(http)).as("every run counted as soon as the service is ready (%.0f partitions "
                    + "were being rebuilt)", rebuilding).isEqualTo(RUNS);
            assertThat(runsOf(http, "script-7")).as("one script's runs, page by page").isEqualTo(RUNS / SCRIPTS);
            assertThat(http.get("/script/logs/run-" + (RUNS - 1)).status()).isEqualTo(200);
            HttpTestClient.Response sweep = http.post("/script/cleanup-stale?timeout=PT60S", null);
            assertThat(sweep.status()).as(sweep.text()).isEqualTo(200);
            assertThat(sweep.data().path("totalLogsUpdated").asInt()).as("no run is due").isZero();
            try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
                kafka.send(Topics.SCRIPT_EVENTS, "after-restore", new String(started("after", Instant.now()),
                        StandardCharsets.UTF_8));
                kafka.flush();
            }
            await("a new event applied").atMost(CEILING).pollInterval(Duration.ofSeconds(1))
                    .until(() -> http.get("/script/logs/after-restore").status() == 200);
            assertThat(service.alive()).as("the service still runs").isTrue();
            assertThat(http.get("/ready").status()).isEqualTo(200);
            System.out.printf("restore: passed in %d ms%n", elapsed(began));
        } finally {
            if (storing.alive()) {
                storing.stop();
            }
            if (service.alive()) {
                service.stop();
            }
            if (broker.alive()) {
                broker.stop();
            }
        }
    }

    private static byte[] started(String script, Instant time) {
        return ("{\"scriptName\":\"" + script + "\",\"event\":\"started\",\"time\":\"" + time + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The runs of one script, read through the logs a page at a time. */
    private static int runsOf(HttpTestClient http, String script) {
        int runs = 0;
        String cursor = null;
        do {
            HttpTestClient.Response page = http.get("/script/logs?limit=1000&scriptName=" + script
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            runs += page.data().path("logs").size();
            cursor = page.data().path("nextCursor").asText(null);
        } while (cursor != null);
        return runs;
    }

    /** What tells how the restore went: each task's rebuild, fencing, fatal errors, the start's outcome. */
    private static List<String> keyLines(Path log, long skip) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.skip(skip).filter(l -> l.contains("rebuilt the indexes") || l.contains("ProducerEpoch")
                            || l.contains("ProducerFenced") || l.contains("failed to initialize") || l.contains("ERROR")
                            || l.contains("cannot start") || l.contains("runwarden ready in"))
                    .map(l -> l.length() > 300 ? l.substring(0, 300) + "..." : l).distinct().limit(40).toList();
        }
    }

    private static long lines(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.count();
        }
    }

    private static long elapsed(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
