package io.runwarden;

import io.runwarden.kafka.LoopbackPorts;
import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances share sixteen channels, each delivered by one of them; the instance that owns some is killed while
 * their receiver refuses, and the survivor takes them over and delivers each alert once, with the same id.
 */
@IntegrationTest
class NotifierFailoverTest {
    private static final int CHANNELS = 16;

    @TempDir
    Path dir;

    @Test
    void channelsSpreadOverTheInstancesAndTheSurvivorDeliversWhatTheDeadOneOwed() throws Exception {
        int brokerPort = LoopbackPorts.free();
        JavaProcess broker = new JavaProcess(BrokerProcess.class, List.of(dir.resolve("broker").toString(),
                String.valueOf(brokerPort)), Map.of(), dir.resolve("broker.log"), "BROKER READY").start(Patience.START);
        String bootstrap = "127.0.0.1:" + brokerPort;
        List<JavaProcess> instances = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int port = LoopbackPorts.free();
            ports.add(port);
            instances.add(new JavaProcess(Main.class, List.of(), Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                    "RUNWARDEN_DATA_DIR", dir.resolve("instance-" + i).toString(),
                    "RUNWARDEN_HTTP_PORT", String.valueOf(port),
                    "RUNWARDEN_APPLICATION_ID", "runwarden-notify-failover"), dir.resolve("instance-" + i + ".log"), "runwarden ready in"));
        }
        AtomicInteger refusing = new AtomicInteger(503);
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap); HookReceiver receiver = new HookReceiver().up(refusing::get)) {
            instances.get(0).start(Patience.START);
            instances.get(1).start(Patience.START);
            Instant created = Instant.now().minusSeconds(1);
            for (int c = 0; c < CHANNELS; c++) {
                kafka.send(Topics.NOTIFICATION_CHANNELS, "c" + c, "{\"type\":\"webhook\",\"url\":\"" + receiver.url("/c" + c)
                        + "\",\"scripts\":[\"fo-*\"],\"createdAt\":\"" + created + "\"}");
            }
            kafka.flush();
            // both instances in every channel's group before the alert comes, so that its first owner is its owner
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                List<String> groups = IntStream.range(0, CHANNELS)
                        .mapToObj(c -> "runwarden-notify-failover-notify-c" + c + "-" + created.toEpochMilli()).toList();
                await().atMost(Patience.START).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                        admin.describeConsumerGroups(groups).all().get().values().stream().allMatch(g ->
                                g.groupState() == GroupState.STABLE && g.members().size() == 2));
            }
            kafka.send(Topics.SCRIPT_EVENTS, "fo-1", ServiceEndToEndTest.started("fo-1", "fo-job", Instant.now()));
            kafka.send(Topics.SCRIPT_EVENTS, "fo-1", "{\"event\":\"failed\",\"message\":\"exit 1\"}");
            kafka.flush();

            // every channel is retrying on exactly one instance, and both instances own some
            await().atMost(Patience.APPLIED).until(() -> owned(ports.get(0)).size() + owned(ports.get(1)).size() == CHANNELS);
            List<String> first = owned(ports.get(0));
            List<String> second = owned(ports.get(1));
            assertThat(first).as("channels delivered by instance 0").isNotEmpty().doesNotContainAnyElementsOf(second);
            assertThat(second).as("channels delivered by instance 1").isNotEmpty();

            System.out.printf("instance 0 delivers %s, instance 1 %s%n", first, second);
            instances.get(0).kill();
            // the survivor takes over the dead one's channels: they are retried from there
            await().atMost(Patience.FAILOVER).until(() -> owned(ports.get(1)).size() == CHANNELS);
            refusing.set(200);

            await().atMost(Patience.APPLIED).until(() -> delivered(receiver).size() == CHANNELS);
            Map<String, List<HookReceiver.Request>> byChannel = receiver.requests().stream()
                    .collect(Collectors.groupingBy(HookReceiver.Request::path));
            assertThat(byChannel).hasSize(CHANNELS);
            byChannel.forEach((path, requests) -> {
                assertThat(requests).as(path).extracting(r -> r.header("Runwarden-Alert-Id")).containsOnly("failed:fo-1");
                assertThat(requests).as(path + ": delivered once").filteredOn(r -> r.answered() == 200).hasSize(1);
            });
        } finally {
            for (JavaProcess instance : instances) {
                if (instance.alive()) {
                    instance.stop();
                }
            }
            broker.stop();
        }
    }

    private static List<String> delivered(HookReceiver receiver) {
        return receiver.requests().stream().filter(r -> r.answered() == 200).map(HookReceiver.Request::path).distinct().toList();
    }

    /** The channels this instance has tried to deliver to, from its own metrics. */
    private static List<String> owned(int port) {
        try {
            String metrics = new HttpTestClient(port, null).getText("/metrics").text();
            return metrics.lines().filter(l -> l.startsWith("runwarden_notifications_total{"))
                    .map(l -> l.replaceAll(".*channel=\"([^\"]+)\".*", "$1")).distinct().toList();
        } catch (RuntimeException down) {
            return List.of();
        }
    }
}
