package io.runwarden;

import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.LoopbackPorts;
import io.runwarden.kafka.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stall longer than the transaction timeout: the whole JVM frozen (SIGSTOP) while events keep coming, as a loaded
 * host, a long collection or a suspended VM freezes it. The broker aborts the stream thread's open transaction, and
 * the commit that follows the stall fails; Kafka Streams 4.4 calls that failure fatal. The watchdog must not stop
 * over it (it used to exit with status 1, or fail its start): the thread is replaced, its tasks come back from their
 * changelogs, and every event is applied exactly once. Here the timeout is 1 s and the stall 4 s; in production the
 * timeout is 10 s.
 */
@IntegrationTest
class StallTest {
    private static final int TRANSACTION_TIMEOUT_MS = 1_000;
    /** How often the broker aborts transactions that outlived their timeout (Kafka's default: 10 s). */
    private static final int ABORT_CHECK_MS = 100;
    private static final Duration STALL = Duration.ofSeconds(3);
    /** A stall ends in a fatal commit only now and then (other times Streams handles the fencing itself): up to five give it a chance. */
    private static final int STALLS = 5;
    private static final String REPLACED = "replacing it";

    @TempDir
    Path dir;

    @Test
    void aStallLongerThanTheTransactionTimeoutLosesNoEventAndStopsNothing() throws Exception {
        int brokerPort = LoopbackPorts.free();
        int httpPort = LoopbackPorts.free();
        JavaProcess broker = new JavaProcess(BrokerProcess.class, List.of(dir.resolve("broker").toString(),
                String.valueOf(brokerPort), "transaction.abort.timed.out.transaction.cleanup.interval.ms=" + ABORT_CHECK_MS),
                Map.of(), dir.resolve("broker.log"), "BROKER READY");
        String bootstrap = "127.0.0.1:" + brokerPort;
        JavaProcess service = new JavaProcess(Main.class, List.of(), Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "RUNWARDEN_DATA_DIR", dir.resolve("service").toString(),
                "RUNWARDEN_HTTP_PORT", String.valueOf(httpPort),
                "RUNWARDEN_KAFKA_TRANSACTION_TIMEOUT_MS", String.valueOf(TRANSACTION_TIMEOUT_MS),
                // a replaced thread's member leaves the group when its session expires: 6 s (the broker's least), not 45
                "RUNWARDEN_KAFKA_SESSION_TIMEOUT_MS", "6000",
                "RUNWARDEN_KAFKA_HEARTBEAT_INTERVAL_MS", "1500"),
                dir.resolve("service.log"), "runwarden ready in");
        HttpTestClient http = new HttpTestClient(httpPort, null);
        AtomicBoolean feeding = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        try {
            broker.start(Patience.START);
            service.start(Patience.START);
            try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
                // a run started every 5 ms: the stream threads always hold a transaction open
                Thread feeder = new Thread(() -> {
                    while (feeding.get()) {
                        int n = sent.getAndIncrement();
                        kafka.send(Topics.SCRIPT_EVENTS, "stall-" + n,
                                "{\"scriptName\":\"stall-" + n % 20 + "\",\"event\":\"started\",\"time\":\"" + Instant.now() + "\"}");
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "feeder");
                feeder.start();
                await("runs applied before the stall").atMost(Patience.APPLIED).pollInterval(Duration.ofMillis(200))
                        .until(() -> DashboardTotal.runs(http) > 200);
                for (int stall = 0; stall < STALLS && !replaced(service); stall++) {
                    service.freeze(STALL);
                    int before = sent.get();
                    await("runs applied after stall " + stall).atMost(Patience.APPLIED).pollInterval(Duration.ofMillis(200))
                            .until(() -> {
                                assertRuns(service);
                                return DashboardTotal.runs(http) >= before;
                            });
                }
                feeding.set(false);
                feeder.join();
                kafka.flush();
            }
            await("every run applied, once").atMost(Patience.RESTART).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        assertRuns(service);
                        return DashboardTotal.runs(http);
                    }, n -> n == sent.get());
            assertThat(http.get("/ready").status()).isEqualTo(200);
            assertThat(http.get("/health").status()).isEqualTo(200);
            System.out.println("stall: " + sent.get() + " runs; " + Files.readAllLines(service.log()).stream()
                    .filter(l -> l.contains(REPLACED)).findFirst().orElse("no thread replaced"));
        } finally {
            feeding.set(false);
            if (service.alive()) {
                service.stop();
            }
            if (broker.alive()) {
                broker.stop();
            }
        }
    }

    /** Whether the service said it replaced a thread: one stall that does is what this test is after. */
    private static boolean replaced(JavaProcess service) throws IOException {
        return Files.readAllLines(service.log()).stream().anyMatch(l -> l.contains(REPLACED));
    }

    private static void assertRuns(JavaProcess service) throws IOException {
        if (!service.alive()) {
            throw new AssertionError("the service stopped; its errors:\n" + String.join("\n", Files.readAllLines(service.log())
                    .stream().filter(l -> l.contains("ERROR") || l.contains("Caused by")).limit(20).toList()));
        }
    }
}
