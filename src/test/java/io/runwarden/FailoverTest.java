package io.runwarden;

import io.runwarden.kafka.LoopbackPorts;
import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.Topics;
import io.runwarden.model.CronJob;
import io.runwarden.model.Json;
import io.runwarden.model.ControlRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three instances with one standby replica each; the one running the scheduler (partition 0) is killed with
 * SIGKILL. The survivors must answer every read completely again, and the scheduler must move with its task
 * and fire each slot once.
 */
@IntegrationTest
class FailoverTest {
    private static final int RUNS = 3_000;

    @TempDir
    Path dir;

    @Test
    void survivorsAnswerEverythingAfterAnInstanceDiesAndTheSchedulerMovesWithItsTask() throws Exception {
        int brokerPort = LoopbackPorts.free();
        JavaProcess broker = new JavaProcess(BrokerProcess.class, List.of(dir.resolve("broker").toString(),
                String.valueOf(brokerPort)), Map.of(), dir.resolve("broker.log"), "BROKER READY").start(Patience.START);
        String bootstrap = "127.0.0.1:" + brokerPort;
        List<JavaProcess> instances = new ArrayList<>();
        List<HttpTestClient> clients = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = LoopbackPorts.free();
            ports.add(port);
            clients.add(new HttpTestClient(port, null));
            instances.add(new JavaProcess(Main.class, List.of(), Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                    "RUNWARDEN_DATA_DIR", dir.resolve("instance-" + i).toString(),
                    "RUNWARDEN_HTTP_PORT", String.valueOf(port),
                    "RUNWARDEN_APPLICATION_ID", "runwarden-failover",
                    "RUNWARDEN_KAFKA_NUM_STANDBY_REPLICAS", "1",
                    "RUNWARDEN_KAFKA_SESSION_TIMEOUT_MS", "6000",
                    "RUNWARDEN_KAFKA_HEARTBEAT_INTERVAL_MS", "1500"), dir.resolve("instance-" + i + ".log"), "runwarden ready in"));
        }
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            instances.get(0).start(Patience.START);
            // the job first: its first slot, which must fire before the kill, comes while the others start and load
            CronJob everyMinute = new CronJob("every-minute", "* * * * *", true, "UTC", "failover test");
            kafka.send(Topics.CRON_CONFIG, everyMinute.name(), new String(Json.bytes(everyMinute), StandardCharsets.UTF_8));
            kafka.flush();
            CompletableFuture.allOf(instances.subList(1, 3).stream()
                    .map(p -> CompletableFuture.runAsync(() -> p.start(Patience.START))).toArray(CompletableFuture[]::new)).join();

            Instant now = Instant.now();
            for (int i = 0; i < RUNS; i++) {
                kafka.send(Topics.SCRIPT_EVENTS, "run-" + i, "{\"scriptName\":\"load-" + (i % 30) + "\",\"event\":\"started\",\"time\":\""
                        + now.minusSeconds(i) + "\"}");
                if (i % 3 == 0) {
                    kafka.send(Topics.SCRIPT_EVENTS, "run-" + i, "{\"event\":\"succeeded\"}");
                }
            }
            kafka.flush();
            await().atMost(Patience.DRAIN).pollInterval(Duration.ofSeconds(1))
                    .until(() -> clients.stream().allMatch(FailoverTest::complete));
            // wait for the scheduler to have fired at least once before the kill
            await().atMost(Patience.SLOT).pollInterval(Duration.ofSeconds(1)).until(() -> !slots(kafka).isEmpty());

            // heartbeats keep arriving while an instance dies and the survivors take over
            AtomicBoolean loading = new AtomicBoolean(true);
            Thread load = new Thread(() -> {
                for (int i = 0; loading.get(); i++) {
                    kafka.send(Topics.SCRIPT_EVENTS, "run-" + (i % RUNS), "{\"event\":\"heartbeat\"}");
                    if (i % 100 == 99) {
                        kafka.flush();
                        sleep(200); // the pace of the heartbeats, not a wait for anything
                    }
                }
            });
            load.start();
            int victim = clients.get(0).ownerOfPartitionZero(ports);
            List<HttpTestClient> survivors = new ArrayList<>(clients);
            survivors.remove(victim);
            long killedAt = System.nanoTime();
            instances.get(victim).kill();
            Instant killed = Instant.now(); // it is dead: any slot after this instant was fired by another
            await().atMost(Patience.FAILOVER).pollInterval(Duration.ofMillis(250))
                    .until(() -> survivors.stream().allMatch(FailoverTest::complete) && survivors.get(0).ownerOfPartitionZero(ports) != victim);
            long failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.printf("instance on port %d killed; reads complete again from both survivors after %d ms%n",
                    ports.get(victim), failoverMs);
            // how fast is the benchmarks' business: on 2 shared cores it took from seconds to minutes
            loading.set(false);
            load.join();

            // only a survivor, which took partition 0 and the scheduler with it, can have fired a slot after the kill
            await().atMost(Patience.SLOT).pollInterval(Duration.ofSeconds(1))
                    .until(() -> slots(kafka).stream().anyMatch(slot -> slot.isAfter(killed)));
            List<Instant> slots = slots(kafka);
            Instant afterKill = slots.stream().filter(slot -> slot.isAfter(killed)).findFirst().orElseThrow();
            String fired = "cron job every-minute fires for slot " + afterKill;
            assertThat(instances).filteredOn(instance -> instance != instances.get(victim) && logOf(instance).contains(fired))
                    .as("a survivor's scheduler fired " + afterKill).isNotEmpty();
            assertThat(slots).doesNotHaveDuplicates();
            for (int i = 1; i < slots.size(); i++) {
                assertThat(Duration.between(slots.get(i - 1), slots.get(i))).as("no slot skipped").isEqualTo(Duration.ofMinutes(1));
            }
            System.out.printf("scheduler fired %d consecutive slots, each once, across the failover%n", slots.size());
        } finally {
            for (JavaProcess instance : instances) {
                if (instance.alive()) {
                    instance.stop();
                }
            }
            broker.stop();
        }
    }

    /** Every run is listed, counted on the dashboard, and readable one by one from this instance. */
    private static boolean complete(HttpTestClient client) {
        try {
            HttpTestClient.Response dashboard = client.get("/script/dashboard-view");
            if (dashboard.status() != 200) {
                return false;
            }
            long total = 0;
            for (JsonNode script : dashboard.data().path("scripts")) {
                if (script.path("scriptName").asText().startsWith("load-")) {
                    total += script.path("counts").path("total").asLong();
                }
            }
            long listed = 0;
            for (int s = 0; s < 30; s++) {
                HttpTestClient.Response page = client.get("/script/logs?limit=1000&scriptName=load-" + s);
                if (page.status() != 200) {
                    return false;
                }
                listed += page.data().path("logs").size();
            }
            return total == RUNS && listed == RUNS && client.get("/script/logs/run-" + (RUNS - 1)).status() == 200
                    && client.get("/script/logs/run-0").status() == 200;
        } catch (AssertionError unreachable) {
            return false;
        }
    }


    /** The slots the scheduler fired, from the sweep requests it wrote: ids end with the slot, e.g. -20261128T1702Z. */
    private static List<Instant> slots(KafkaTestClient kafka) {
        List<Instant> slots = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : kafka.readAll(Topics.SCRIPT_EVENTS)) {
            Header control = record.headers().lastHeader(ControlRecord.HEADER);
            if (control != null && new String(control.value(), StandardCharsets.UTF_8).equals("sweep-request")
                    && record.key().startsWith("every-minute-")) {
                String slot = record.key().substring("every-minute-".length());
                slots.add(Instant.parse(slot.substring(0, 4) + "-" + slot.substring(4, 6) + "-" + slot.substring(6, 8)
                        + "T" + slot.substring(9, 11) + ":" + slot.substring(11, 13) + ":00Z"));
            }
        }
        return slots.stream().sorted().toList();
    }

    private static String logOf(JavaProcess instance) {
        try {
            return Files.readString(instance.log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
