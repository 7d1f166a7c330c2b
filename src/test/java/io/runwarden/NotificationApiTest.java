package io.runwarden;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runwarden.http.HttpTestClient;
import io.runwarden.http.HttpTestClient.Response;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The notification API on a real service and broker, with a real webhook receiver: a channel is made, read back
 * masked, sent back with the mask (the stored secret stays: the receiver checks its signature), tested, seen in the
 * deliveries, sent a real alert, and removed. The secret appears in no answer and no log line.
 */
@IntegrationTest
class NotificationApiTest {
    private static final String TOKEN = "api-t0ken";
    private static final String SECRET = "hmac-s3cret-never-shown";
    private static final String CHANNEL = "/notifications/channels/ops-hook";

    @TempDir
    Path dataDir;

    private final List<Response> answers = new CopyOnWriteArrayList<>();

    @Test
    void aWebhookChannelIsMadeTestedSentAnAlertAndRemovedWithoutItsSecretEverShowing() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        try (HookReceiver receiver = new HookReceiver().up(() -> 200);
             RunwardenService service = RunwardenService.start(TestSettings.env("RUNWARDEN_DATA_DIR", dataDir.toString(),
                     "RUNWARDEN_API_TOKEN", TOKEN, "RUNWARDEN_APPLICATION_ID", "runwarden-notify-api"));
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
            HttpTestClient http = new HttpTestClient(service.httpPort(), TOKEN);
            String body = "{\"type\":\"webhook\",\"url\":\"" + receiver.url("/hook") + "\",\"secret\":\"" + SECRET
                    + "\",\"scripts\":[\"api-*\"]}";
            assertThat(seen(new HttpTestClient(service.httpPort(), null).put(CHANNEL, body)).status()).isEqualTo(401);

            // made, and read back masked
            Response created = seen(http.put(CHANNEL, body));
            assertThat(created.status()).as(created.text()).isEqualTo(200);
            assertThat(created.data().path("secret").asText()).isEqualTo("********");
            String createdAt = created.data().path("createdAt").asText();
            assertThat(Instant.parse(createdAt)).isBeforeOrEqualTo(Instant.now());
            JsonNode read = seen(http.get(CHANNEL)).data();
            assertThat(read.path("secret").asText()).isEqualTo("********");
            assertThat(read.path("url").asText()).isEqualTo(receiver.url("/hook"));
            assertThat(seen(http.get("/notifications/channels")).data().path("channels"))
                    .extracting(c -> c.path("name").asText()).containsExactly("ops-hook");

            // sent back as read, mask included, with one change: the secret stays
            ObjectNode changed = (ObjectNode) read.deepCopy();
            changed.remove(List.of("createdAt", "deliveries"));
            changed.putArray("scripts").add("api-*").add("nightly");
            Response replaced = seen(http.put(CHANNEL, changed.toString()));
            assertThat(replaced.status()).as(replaced.text()).isEqualTo(200);
            assertThat(replaced.data().path("createdAt").asText()).as("kept").isEqualTo(createdAt);
            assertThat(replaced.data().path("scripts")).extracting(JsonNode::asText).containsExactly("api-*", "nightly");

            // a test, signed with the stored secret
            Response tested = seen(http.post(CHANNEL + "/test", null));
            assertThat(tested.status()).as(tested.text()).isEqualTo(200);
            assertThat(tested.data().path("outcome").asText()).isEqualTo("delivered");
            assertThat(tested.data().path("httpStatus").asInt()).isEqualTo(200);
            String testId = tested.data().path("notificationId").asText();
            HookReceiver.Request test = receiver.requests().get(0);
            assertThat(test.header("Runwarden-Alert-Id")).isEqualTo(testId);
            assertThat(test.header("Runwarden-Signature")).isEqualTo("sha256=" + hmac(test.body()));
            await().atMost(Patience.APPLIED).untilAsserted(() -> assertThat(seen(http.get(
                    "/notifications/deliveries?channel=ops-hook")).data().path("deliveries")).anySatisfy(attempt -> {
                        assertThat(attempt.path("notificationId").asText()).isEqualTo(testId);
                        assertThat(attempt.path("kind").asText()).isEqualTo("test");
                        assertThat(attempt.path("outcome").asText()).isEqualTo("delivered");
                    }));
            JsonNode summary = seen(http.get(CHANNEL)).data().path("deliveries");
            assertThat(summary.path("lastDelivered").isTextual()).isTrue();
            assertThat(summary.path("lastAttempt").path("outcome").asText()).isEqualTo("delivered");

            // a real alert: a run of a script the channel routes fails
            Instant start = Instant.now();
            kafka.send(Topics.SCRIPT_EVENTS, "api-run-1", ServiceEndToEndTest.started("api-run-1", "api-job", start));
            kafka.send(Topics.SCRIPT_EVENTS, "api-run-1", "{\"event\":\"failed\",\"message\":\"exit 3\"}");
            kafka.flush();
            await().atMost(Patience.APPLIED).until(() -> receiver.requests().stream()
                    .anyMatch(r -> "failed:api-run-1".equals(r.header("Runwarden-Alert-Id"))));
            HookReceiver.Request alert = receiver.requests().stream()
                    .filter(r -> "failed:api-run-1".equals(r.header("Runwarden-Alert-Id"))).findFirst().orElseThrow();
            assertThat(alert.header("Runwarden-Signature")).isEqualTo("sha256=" + hmac(alert.body()));
            assertThat(Json.read(alert.body(), JsonNode.class).path("scriptName").asText()).isEqualTo("api-job");
            await().atMost(Patience.APPLIED).untilAsserted(() -> assertThat(seen(http.get(
                    "/notifications/alerts?scriptName=api-job")).data().path("alerts")).singleElement().satisfies(a -> {
                        assertThat(a.path("alertId").asText()).isEqualTo("failed:api-run-1");
                        assertThat(a.path("kind").asText()).isEqualTo("failed");
                        assertThat(a.path("message").asText()).isEqualTo("exit 3");
                    }));

            // both attempts, newest first, one page each
            await().atMost(Patience.APPLIED).untilAsserted(() -> assertThat(seen(http.get("/notifications/deliveries?channel=ops-hook"))
                    .data().path("deliveries")).anySatisfy(a -> assertThat(a.path("notificationId").asText()).isEqualTo("failed:api-run-1")));
            JsonNode first = seen(http.get("/notifications/deliveries?channel=ops-hook&limit=1")).data();
            assertThat(first.path("deliveries").get(0).path("notificationId").asText()).isEqualTo("failed:api-run-1");
            JsonNode second = seen(http.get("/notifications/deliveries?channel=ops-hook&limit=1&cursor="
                    + first.path("nextCursor").asText())).data();
            assertThat(second.path("deliveries").get(0).path("notificationId").asText()).isEqualTo(testId);
            assertThat(second.path("nextCursor").isNull()).isTrue();
            assertThat(seen(http.get("/notifications/deliveries?scriptName=api-job")).data().path("deliveries"))
                    .extracting(a -> a.path("notificationId").asText()).containsExactly("failed:api-run-1");

            // removed
            Response deleted = seen(http.delete(CHANNEL));
            assertThat(deleted.status()).isEqualTo(200);
            assertThat(deleted.data().path("deleted").asText()).isEqualTo("ops-hook");
            assertThat(seen(http.get(CHANNEL)).status()).isEqualTo(404);
            assertThat(seen(http.delete(CHANNEL)).status()).isEqualTo(404);
            assertThat(seen(http.post(CHANNEL + "/test", null)).status()).isEqualTo(404);
        } finally {
            root.detachAppender(logged);
        }
        assertThat(answers).isNotEmpty().allSatisfy(answer -> assertThat(answer.text()).doesNotContain(SECRET));
        assertThat(logged.list).isNotEmpty().allSatisfy(event -> {
            assertThat(event.getFormattedMessage()).doesNotContain(SECRET);
            if (event.getThrowableProxy() != null) {
                assertThat(ThrowableProxyUtil.asString(event.getThrowableProxy())).doesNotContain(SECRET);
            }
        });
    }

    private Response seen(Response response) {
        answers.add(response);
        return response;
    }

    private static String hmac(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
