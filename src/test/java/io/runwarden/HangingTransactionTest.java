package io.runwarden;

import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.LoopbackPorts;
import io.runwarden.kafka.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A transaction left open on every partition of {@code script-events} that no coordinator will ever close: the
 * streams read under exactly-once, so no event behind it would ever be applied, and the watchdog would fall silent
 * while /health said UP. runwarden finds it and aborts it once it has been open longer than the broker lets any
 * transaction live (4 s on this broker, 15 minutes by default), and the events behind it are applied. Of two
 * instances, only one aborts it.
 */
@IntegrationTest
class HangingTransactionTest {
    private static final int MAX_TRANSACTION_TIMEOUT_MS = 4_000;

    @TempDir
    Path dir;

    @Test
    void aTransactionNoCoordinatorWillCloseIsAbortedOnceAndTheEventsBehindItApplied() throws Exception {
        int brokerPort = LoopbackPorts.free();
        // verification off: the broker takes a transactional write from a producer no coordinator tracks, as brokers
        // before 3.6 did
        JavaProcess broker = new JavaProcess(BrokerProcess.class, List.of(dir.resolve("broker").toString(),
                String.valueOf(brokerPort), "transaction.partition.verification.enable=false",
                "transaction.max.timeout.ms=" + MAX_TRANSACTION_TIMEOUT_MS), Map.of(), dir.resolve("broker.log"), "BROKER READY");
        // two instances: one of them aborts each transaction, never both (a second marker could abort the next one)
        List<Integer> ports = List.of(LoopbackPorts.free(), LoopbackPorts.free());
        List<JavaProcess> services = ports.stream().map(port -> new JavaProcess(Main.class, List.of(), Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + brokerPort,
                "RUNWARDEN_DATA_DIR", dir.resolve("service-" + port).toString(),
                "RUNWARDEN_HTTP_PORT", String.valueOf(port),
                "RUNWARDEN_KAFKA_TRANSACTION_TIMEOUT_MS", String.valueOf(MAX_TRANSACTION_TIMEOUT_MS / 2)),
                dir.resolve("service-" + port + ".log"), "runwarden ready in")).toList();
        HttpTestClient http = new HttpTestClient(ports.get(0), null);
        try {
            broker.start(Patience.START);
            services.parallelStream().forEach(service -> service.start(Patience.START));
            HangingTransaction.leaveOpen(brokerPort, Topics.SCRIPT_EVENTS, 6);
            for (int n = 0; n < 6; n++) {
                assertThat(http.post("/script/runs", "{\"scriptName\":\"behind-the-hang-" + n + "\"}").status())
                        .isEqualTo(201);
            }
            await("the runs behind the hanging transaction applied").atMost(Patience.APPLIED)
                    .pollInterval(Duration.ofMillis(500)).until(() -> DashboardTotal.runs(http), n -> n == 6);
            // one a partition, by one instance, and none of the services' own transactions, which their coordinator closes
            List<String> aborts = new ArrayList<>();
            for (JavaProcess service : services) {
                Files.readAllLines(service.log()).stream().filter(line -> line.contains("aborted a hanging transaction on "))
                        .forEach(aborts::add);
            }
            assertThat(aborts).hasSize(6).allMatch(line -> line.contains(" on " + Topics.SCRIPT_EVENTS + "-"));
            assertThat(ports.stream()
                    .mapToDouble(port -> ScrapedMeters.total(port, "runwarden_hanging_transactions_aborted_total")).sum()).isEqualTo(6);
            System.out.println("hanging: " + aborts.get(0));
        } finally {
            for (JavaProcess service : services) {
                if (service.alive()) {
                    service.stop();
                }
            }
            if (broker.alive()) {
                broker.stop();
            }
        }
    }
}
