package io.runwarden;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.runwarden.config.Settings;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Alert;
import io.runwarden.model.Json;
import io.runwarden.sweep.SweepResult;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Notifications to real receivers from a service on a real broker: a webhook receiver that is down, then answers
 * 500, then 200, across a restart; one digest per channel for a sweep of hundreds of timeouts; failed then recovered;
 * nothing for a paused script; Slack, PagerDuty (trigger, resolve) and email (GreenMail) formats.
 */
@IntegrationTest
class NotificationsEndToEndTest {
    private static final Instant NOW = Instant.now();
    private static final String SECRET = "s3cret-signing-key";
    private static final int TIMEOUTS = 200;

    @TempDir
    static Path dataDir;
    private static GreenMail mail;

    @BeforeAll
    static void startMail() {
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp"));
        mail.start();
    }

    @AfterAll
    static void stopMail() {
        mail.stop();
    }

    private static Settings settings() {
        return TestSettings.env("RUNWARDEN_DATA_DIR", dataDir.toString(), "RUNWARDEN_APPLICATION_ID", "runwarden-notify",
                "RUNWARDEN_SMTP_HOST", "127.0.0.1", "RUNWARDEN_SMTP_PORT", String.valueOf(mail.getSmtp().getPort()),
                "RUNWARDEN_SMTP_TLS", "none", "RUNWARDEN_SMTP_FROM", "runwarden@example.com");
    }

    @Test
    void everyChannelTypeGetsItsAlertsOnceAndInOrderThroughOutagesRestartsAndSweeps() throws Exception {
        AtomicInteger flakyAnswers = new AtomicInteger();
        try (HookReceiver flaky = new HookReceiver(); HookReceiver digests = new HookReceiver().up(() -> 200);
             HookReceiver slack = new HookReceiver().up(() -> 200); HookReceiver flow = new HookReceiver().up(() -> 200);
             HookReceiver pagerduty = new HookReceiver().up(() -> 202)) {
            RunwardenService first = RunwardenService.start(settings());
            try (KafkaTestClient kafka = new KafkaTestClient(first.bootstrapServers())) {
                Instant created = Instant.now().minusSeconds(1);
                channel(kafka, "{\"name\":\"flaky\",\"type\":\"webhook\",\"url\":\"" + flaky.url("/hook") + "\",\"secret\":\"" + SECRET
                        + "\",\"scripts\":[\"retry-*\"],\"createdAt\":\"" + created + "\"}");
                channel(kafka, "{\"name\":\"digests\",\"type\":\"webhook\",\"url\":\"" + digests.url("/hook") + "\",\"scripts\":[\"nightly-*\"],"
                        + "\"createdAt\":\"" + created + "\"}");
                channel(kafka, "{\"name\":\"ops-slack\",\"type\":\"slack\",\"url\":\"" + slack.url("/services/T/B/X") + "\",\"scripts\":[\"nightly-*\"],"
                        + "\"createdAt\":\"" + created + "\"}");
                channel(kafka, "{\"name\":\"flow\",\"type\":\"webhook\",\"url\":\"" + flow.url("/flow") + "\",\"scripts\":[\"flow\",\"paused-one\"],"
                        + "\"createdAt\":\"" + created + "\"}");
                channel(kafka, "{\"name\":\"pager\",\"type\":\"pagerduty\",\"url\":\"" + pagerduty.url("/v2/enqueue") + "\",\"routingKey\":\"R0UT1NG\","
                        + "\"scripts\":[\"pd-*\"],\"createdAt\":\"" + created + "\"}");
                channel(kafka, "{\"name\":\"inbox\",\"type\":\"email\",\"to\":[\"ops@example.com\"],\"scripts\":[\"mail-*\"],\"kinds\":[\"failed\"],"
                        + "\"createdAt\":\"" + created + "\"}");
                kafka.send(Topics.SCRIPT_POLICIES, "paused-one", "{\"scriptName\":\"paused-one\",\"paused\":true}");
                kafka.flush();

                // the flaky receiver is down: attempts fail and are retried
                run(kafka, "retry-1", "retry-a", "failed", "exit 3");
                await().atMost(Patience.APPLIED).until(() -> counted(first, "flaky", "retried") >= 1);
            } finally {
                first.close();
            }

            // a restart between attempts: the alert is still owed
            RunwardenService service = RunwardenService.start(settings());
            try (KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
                await().atMost(Patience.START).until(() -> counted(service, "flaky", "retried") >= 1);

                run(kafka, "paused-1", "paused-one", "failed", "nobody hears this");
                run(kafka, "flow-1", "flow", "failed", "first failure");
                run(kafka, "flow-2", "flow", "succeeded", "back");
                run(kafka, "pd-1", "pd-sync", "failed", "pd down");
                run(kafka, "pd-2", "pd-sync", "succeeded", "pd up");
                run(kafka, "mail-1", "mail-job", "failed", "mail me");
                for (int i = 0; i < TIMEOUTS; i++) {
                    kafka.send(Topics.SCRIPT_EVENTS, "nightly-" + i, ServiceEndToEndTest.started("nightly-" + i, "nightly-" + i % 7,
                            NOW.minus(Duration.ofDays(4))));
                }
                kafka.flush();
                await().atMost(Patience.APPLIED).until(() -> kafka.latestRuns().keySet().containsAll(List.of("nightly-0", "nightly-199")));
                SweepResult sweep = service.sweeps().sweep(Patience.SWEEP);
                assertThat(sweep.totalLogsUpdated()).isEqualTo(TIMEOUTS);

                // a sweep of hundreds of timeouts: one digest per channel
                await().atMost(Patience.APPLIED).until(() -> !digests.requests().isEmpty() && !slack.requests().isEmpty());
                JsonNode digest = Json.read(digests.requests().get(0).body(), JsonNode.class);
                assertThat(digest.path("alertId").asText()).isEqualTo("digest:" + sweep.sweepId());
                assertThat(digest.path("kind").asText()).isEqualTo("digest");
                assertThat(digest.path("alertCount").asInt()).isEqualTo(TIMEOUTS);
                assertThat(digest.path("runs")).hasSize(10);
                assertThat(slack.requests().get(0).text()).contains("200 alerts from sweep " + sweep.sweepId());

                // failed, then recovered; the paused script's failure reaches nobody
                await().atMost(Patience.APPLIED).until(() -> flow.requests().size() >= 2);
                assertThat(flow.requests()).extracting(r -> r.header("Runwarden-Alert-Id"))
                        .containsExactly("failed:flow-1", "recovered:flow-2");

                // PagerDuty: a trigger, then a resolve, both deduplicated on the script
                await().atMost(Patience.APPLIED).until(() -> pagerduty.requests().size() >= 2);
                List<JsonNode> events = pagerduty.requests().stream().map(r -> Json.read(r.body(), JsonNode.class)).toList();
                assertThat(events).extracting(e -> e.path("event_action").asText()).containsExactly("trigger", "resolve");
                assertThat(events).allSatisfy(e -> {
                    assertThat(e.path("routing_key").asText()).isEqualTo("R0UT1NG");
                    assertThat(e.path("dedup_key").asText()).isEqualTo("pd-sync");
                });

                // email, through a real SMTP server
                assertThat(mail.waitForIncomingEmail(Patience.APPLIED.toMillis(), 1)).isTrue();
                MimeMessage message = mail.getReceivedMessages()[0];
                assertThat(message.getSubject()).isEqualTo("[runwarden] failed: mail-job");
                assertThat(message.getAllRecipients()[0].toString()).isEqualTo("ops@example.com");

                // all of that while the flaky receiver was still down: it holds only its own channel's place
                assertThat(flaky.requests()).isEmpty();
                assertThat(counted(service, "flaky", "delivered")).isZero();
                flaky.up(() -> flakyAnswers.getAndIncrement() == 0 ? 500 : 200);

                // down, then 500, then 200: delivered once, the same id and signature on every attempt
                await().atMost(Patience.APPLIED).until(() -> flaky.requests().stream().anyMatch(r -> r.answered() == 200));
                List<HookReceiver.Request> attempts = flaky.requests();
                assertThat(attempts).extracting(HookReceiver.Request::answered).containsExactly(500, 200);
                Alert expected = new Alert("failed:retry-1", io.runwarden.model.AlertKind.FAILED, "retry-a", "retry-1",
                        Json.read(attempts.get(1).body(), Alert.class).time(), "exit 3", null, null);
                for (HookReceiver.Request attempt : attempts) {
                    assertThat(attempt.header("Runwarden-Alert-Id")).isEqualTo("failed:retry-1");
                    assertThat(attempt.header("Content-Type")).startsWith("application/json");
                    assertThat(attempt.header("Runwarden-Signature")).isEqualTo("sha256=" + hmac(attempt.body()));
                    assertThat(Json.read(attempt.body(), Alert.class)).isEqualTo(expected);
                }

                // nothing more comes: every channel got each of its notifications once
                await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
                assertThat(flow.requests()).hasSize(2);
                assertThat(digests.requests()).hasSize(1);
                assertThat(slack.requests()).hasSize(1);
                assertThat(flaky.requests()).hasSize(2);
                assertThat(mail.getReceivedMessages()).hasSize(1);
                assertThat(kafka.readAll(Topics.SCRIPT_ALERTS)).extracting(r -> r.key()).doesNotContain("paused-one");
            } finally {
                service.close();
            }
        }
    }

    private static void channel(KafkaTestClient kafka, String json) {
        kafka.send(Topics.NOTIFICATION_CHANNELS, Json.read(json, JsonNode.class).path("name").asText(), json);
    }

    private static void run(KafkaTestClient kafka, String runId, String script, String end, String message) {
        kafka.send(Topics.SCRIPT_EVENTS, runId, ServiceEndToEndTest.started(runId, script, Instant.now()));
        kafka.send(Topics.SCRIPT_EVENTS, runId, "{\"event\":\"" + end + "\",\"message\":\"" + message + "\"}");
        kafka.flush();
    }

    private static double counted(RunwardenService service, String channel, String outcome) {
        String prefix = "runwarden_notifications_total{channel=\"" + channel + "\",outcome=\"" + outcome + "\"} ";
        return ServiceEndToEndTest.lines(ServiceEndToEndTest.scrapeMetrics(service)).stream().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).sum();
    }

    private static String hmac(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
