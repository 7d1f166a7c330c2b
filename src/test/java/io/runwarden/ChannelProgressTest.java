package io.runwarden;

import io.runwarden.config.Settings;
import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** How far a channel got is kept in its consumer group, and each alert goes once, whatever the receiver's pace. */
@IntegrationTest
class ChannelProgressTest {
    private static final int FAILURES = 12;
    private static final Instant NOW = Instant.now();

    @TempDir
    Path dataDir;

    /**
     * A backlog of alerts for a receiver that takes its time: the worker keeps its place in the channel's group while
     * it sends (it polls between sends once a third of max.poll.interval.ms is spent). It used to send the whole
     * backlog without polling; past that interval the group dropped it, its commit failed, and it sent the same
     * alerts again, round after round.
     */
    @Test
    void aBacklogForASlowReceiverGoesOnceEach() throws Exception {
        try (HookReceiver slow = new HookReceiver().up(ChannelProgressTest::slowly);
             RunwardenService service = RunwardenService.start(TestSettings.env("RUNWARDEN_DATA_DIR", dataDir.toString(),
                     // the notifiers' consumers must poll every 4 s here (the streams keep the default)
                     "RUNWARDEN_KAFKA_MAX_POLL_INTERVAL_MS", "4000",
                     "RUNWARDEN_KAFKA_MAIN_CONSUMER_MAX_POLL_INTERVAL_MS", "300000"));
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
            HttpTestClient http = new HttpTestClient(service.httpPort(), null);
            assertThat(putWebhook(http, "slow", slow, "")).isEqualTo(200);
            List<String> expected = IntStream.range(0, FAILURES).mapToObj(i -> "failed:slow-" + i).toList();
            for (int i = 0; i < FAILURES; i++) {
                kafka.send(Topics.SCRIPT_EVENTS, "slow-" + i, ServiceEndToEndTest.started("slow-" + i, "job-" + i, NOW.minusSeconds(60)));
                kafka.send(Topics.SCRIPT_EVENTS, "slow-" + i, "{\"event\":\"failed\",\"time\":\"" + NOW.minusSeconds(50 - i) + "\"}");
            }
            kafka.flush();

            await().atMost(Patience.APPLIED).until(() -> slow.requests().size() >= FAILURES);
            // long enough for a worker dropped from its group to have sent the backlog's head again
            await().during(Duration.ofSeconds(6)).atMost(Patience.APPLIED).until(() -> slow.requests().size() == FAILURES);
            assertThat(slow.requests()).extracting(r -> r.header("Runwarden-Alert-Id")).as("each once")
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /**
     * A channel that has sent nothing still commits how far it read: widened, and then restarted, it does not go
     * back to where it was made and send the alerts it passed over as news.
     */
    @Test
    void aChannelThatSentNothingKeepsItsPlaceAndSendsNoOldAlertsWhenWidenedAndRestarted() throws Exception {
        Settings settings = TestSettings.env("RUNWARDEN_DATA_DIR", dataDir.toString(), "RUNWARDEN_APPLICATION_ID", "place-test");
        try (HookReceiver hook = new HookReceiver().up(() -> 200)) {
            try (RunwardenService service = RunwardenService.start(settings);
                 KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers());
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, service.bootstrapServers()))) {
                HttpTestClient http = new HttpTestClient(service.httpPort(), null);
                assertThat(putWebhook(http, "narrow", hook, ",\"scripts\":[\"nothing-*\"]")).isEqualTo(200);
                for (int i = 0; i < 3; i++) {
                    failed(kafka, "old-" + i, "old-job", 60);
                }
                kafka.flush();
                String feed = Topics.alertFeed("place-test");
                await().atMost(Patience.APPLIED).until(() -> kafka.readAll(feed).size() == 3);
                await().atMost(Patience.APPLIED).until(() -> committedPastEveryAlert(admin, feed));

                assertThat(putWebhook(http, "narrow", hook, ",\"scripts\":[\"*\"]")).isEqualTo(200);
            }
            try (RunwardenService service = RunwardenService.start(settings);
                 KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
                failed(kafka, "new-1", "new-job", 30);
                kafka.flush();

                await().atMost(Patience.APPLIED).until(() -> !hook.requests().isEmpty());
                await().during(Duration.ofSeconds(3)).atMost(Patience.APPLIED).until(() -> hook.requests().size() == 1);
                assertThat(hook.requests()).extracting(r -> r.header("Runwarden-Alert-Id")).containsExactly("failed:new-1");
            }
        }
    }

    /**
     * A receiver that answered 503 and asked for an hour's pause, mended by pointing the channel elsewhere: the alert
     * waiting for its retry goes to the new address at once, not an hour later.
     */
    @Test
    void anAlertWaitingForItsRetryGoesAtOnceWhereTheChangedChannelPoints() throws Exception {
        try (HookReceiver broken = new HookReceiver().answering("Retry-After", "3600").up(() -> 503);
             HookReceiver mended = new HookReceiver().up(() -> 200);
             RunwardenService service = RunwardenService.start(TestSettings.env("RUNWARDEN_DATA_DIR", dataDir.toString()));
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
            HttpTestClient http = new HttpTestClient(service.httpPort(), null);
            assertThat(putWebhook(http, "mend", broken, "")).isEqualTo(200);
            failed(kafka, "mend-1", "mend-job", 30);
            kafka.flush();
            await().atMost(Patience.APPLIED).until(() -> !broken.requests().isEmpty());

            assertThat(putWebhook(http, "mend", mended, "")).isEqualTo(200);

            await().atMost(Patience.APPLIED).until(() -> !mended.requests().isEmpty());
            assertThat(mended.requests()).extracting(r -> r.header("Runwarden-Alert-Id")).containsExactly("failed:mend-1");
            assertThat(broken.requests()).hasSize(1);
        }
    }

    /**
     * An alert waiting for its retry keeps its count and its wait across a restart: the receiver asked for an hour,
     * so the restarted service does not send it again at once, and once the channel is mended (here made a Slack
     * channel, which a new notifier takes over) it goes at once, as attempt 2 (its 24 hours counted from the first
     * attempt, not from the restart).
     */
    @Test
    void anAlertWaitingForItsRetryKeepsItsAttemptsAndItsWaitAcrossARestart() throws Exception {
        Settings settings = TestSettings.env("RUNWARDEN_DATA_DIR", dataDir.toString(), "RUNWARDEN_APPLICATION_ID", "carry-test");
        try (HookReceiver broken = new HookReceiver().answering("Retry-After", "3600").up(() -> 503);
             HookReceiver mended = new HookReceiver().up(() -> 200)) {
            try (RunwardenService service = RunwardenService.start(settings);
                 KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
                HttpTestClient http = new HttpTestClient(service.httpPort(), null);
                assertThat(putWebhook(http, "carry", broken, "")).isEqualTo(200);
                failed(kafka, "carry-1", "carry-job", 30);
                kafka.flush();
                await().atMost(Patience.APPLIED).until(() -> attempts(http, "carry").size() == 1);
            }
            try (RunwardenService service = RunwardenService.start(settings)) {
                HttpTestClient http = new HttpTestClient(service.httpPort(), null);
                await().during(Duration.ofSeconds(5)).atMost(Patience.APPLIED).until(() -> broken.requests().size() == 1);

                // mended by making it a Slack channel: a new notifier for it, which must not wait the hour either
                assertThat(http.put("/notifications/channels/carry",
                        "{\"type\":\"slack\",\"url\":\"" + mended.url("/slack") + "\"}").status()).isEqualTo(200);

                await().atMost(Patience.APPLIED).until(() -> attempts(http, "carry").size() == 2);
                assertThat(attempts(http, "carry")).extracting(a -> a.path("attempt").asInt() + " " + a.path("outcome").asText())
                        .containsExactly("2 delivered", "1 retried");
                assertThat(mended.requests()).singleElement().satisfies(r -> assertThat(r.text()).contains("carry-1"));
            }
        }
    }

    /** The channel's recorded attempts, newest first. */
    private static List<JsonNode> attempts(HttpTestClient http, String channel) throws Exception {
        List<JsonNode> attempts = new ArrayList<>();
        http.get("/notifications/deliveries?channel=" + channel).data().path("deliveries").forEach(attempts::add);
        return attempts;
    }

    /** A digest waiting for its retry goes, once the channel is narrowed, with only the alerts the channel still takes. */
    @Test
    void aDigestWaitingForItsRetryKeepsOnlyWhatTheNarrowedChannelTakes() throws Exception {
        try (HookReceiver broken = new HookReceiver().answering("Retry-After", "3600").up(() -> 503);
             HookReceiver mended = new HookReceiver().up(() -> 200);
             RunwardenService service = RunwardenService.start(TestSettings.env("RUNWARDEN_DATA_DIR", dataDir.toString()));
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
            HttpTestClient http = new HttpTestClient(service.httpPort(), null);
            assertThat(putWebhook(http, "narrow", broken, "")).isEqualTo(200);
            for (int i = 0; i < FAILURES; i++) {
                kafka.send(Topics.SCRIPT_EVENTS, "stale-" + i, ServiceEndToEndTest.started("stale-" + i,
                        i % 2 == 0 ? "keep-job" : "drop-job", NOW.minus(Duration.ofDays(4))));
            }
            kafka.flush();
            await().atMost(Patience.APPLIED).until(() -> kafka.latestRuns().keySet().containsAll(List.of("stale-0", "stale-" + (FAILURES - 1))));
            String sweepId = service.sweeps().sweep(Patience.SWEEP).sweepId();
            await().atMost(Patience.APPLIED).until(() -> !broken.requests().isEmpty());
            assertThat(Json.read(broken.requests().get(0).body(), JsonNode.class).path("alertCount").asInt()).isEqualTo(FAILURES);

            assertThat(putWebhook(http, "narrow", mended, ",\"scripts\":[\"keep-*\"]")).isEqualTo(200);

            await().atMost(Patience.APPLIED).until(() -> !mended.requests().isEmpty());
            JsonNode digest = Json.read(mended.requests().get(0).body(), JsonNode.class);
            assertThat(digest.path("alertId").asText()).isEqualTo("digest:" + sweepId);
            assertThat(digest.path("alertCount").asInt()).isEqualTo(FAILURES / 2);
            assertThat(digest.path("countsByScript").properties()).extracting(Map.Entry::getKey).containsExactly("keep-job");
        }
    }

    /**
     * The same receiver, but the channel is disabled instead of mended: the waiting alert is not sent again, neither
     * at once, as a changed channel's retry otherwise is, nor an hour later.
     */
    @Test
    void anAlertWaitingForItsRetryIsNotSentOnceItsChannelIsDisabled() throws Exception {
        try (HookReceiver broken = new HookReceiver().answering("Retry-After", "3600").up(() -> 503);
             RunwardenService service = RunwardenService.start(TestSettings.env("RUNWARDEN_DATA_DIR", dataDir.toString()));
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
            HttpTestClient http = new HttpTestClient(service.httpPort(), null);
            assertThat(putWebhook(http, "off", broken, "")).isEqualTo(200);
            failed(kafka, "off-1", "off-job", 30);
            kafka.flush();
            await().atMost(Patience.APPLIED).until(() -> !broken.requests().isEmpty());

            assertThat(putWebhook(http, "off", broken, ",\"enabled\":false")).isEqualTo(200);

            await().during(Duration.ofSeconds(5)).atMost(Patience.APPLIED).until(() -> broken.requests().size() == 1);
        }
    }

    /** Puts a webhook channel to the receiver; {@code more} adds fields. @return the answer's status */
    /** A run of {@code script} that started {@code secondsAgo} and then failed. */
    private static void failed(KafkaTestClient kafka, String runId, String script, int secondsAgo) {
        kafka.send(Topics.SCRIPT_EVENTS, runId, ServiceEndToEndTest.started(runId, script, NOW.minusSeconds(secondsAgo)));
        kafka.send(Topics.SCRIPT_EVENTS, runId, "{\"event\":\"failed\"}");
    }

    private static int putWebhook(HttpTestClient http, String name, HookReceiver receiver, String more) throws Exception {
        return http.put("/notifications/channels/" + name,
                "{\"type\":\"webhook\",\"url\":\"" + receiver.url("/hook") + "\"" + more + "}").status();
    }

    /** Whether the channel's group committed, on every partition of the feed, past its last record. */
    private static boolean committedPastEveryAlert(Admin admin, String feed) throws Exception {
        List<String> groups = admin.listGroups().all().get().stream().map(GroupListing::groupId)
                .filter(id -> id.startsWith("place-test-notify-narrow-")).toList();
        if (groups.size() != 1) {
            return false;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groups.get(0))
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
        return committed.size() == 6 && committed.entrySet().stream()
                .allMatch(e -> e.getKey().topic().equals(feed) && e.getValue().offset() >= ends.get(e.getKey()).offset());
    }

    /** 200, after most of a second: twelve of them outlast the 4 s interval several times over. */
    private static int slowly() {
        try {
            Thread.sleep(800);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 200;
    }
}
