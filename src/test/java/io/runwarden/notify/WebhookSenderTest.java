package io.runwarden.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static io.runwarden.notify.Channels.TIME;
import static org.assertj.core.api.Assertions.assertThat;

class WebhookSenderTest {
    private static final String SECRET = "whsec-0123456789";
    private static final Alert ALERT = new Alert("timeout:run-old", AlertKind.TIMEOUT, "synchroFacture", "run-old", TIME,
            "Script marked as failed - exceeded 3 day timeout", "daily-cleanup-2am-20261128T0200Z", null);

    private final Receiver receiver = new Receiver();
    private final WebhookSender sender = new WebhookSender(Senders.httpClient(), Duration.ofSeconds(2), Clock.systemUTC());

    WebhookSenderTest() throws Exception {
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void postsTheAlertJsonSignedWithTheSecret() throws Exception {
        Channel hook = hook(SECRET);

        DeliveryOutcome outcome = sender.send(hook, new AlertNotification(ALERT));

        assertThat(outcome.outcome()).isEqualTo(DeliveryOutcome.Outcome.DELIVERED);
        assertThat(outcome.httpStatus()).isEqualTo(200);
        Receiver.Request request = receiver.next();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/hooks/runwarden?team=ops");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("Runwarden-Alert-Id")).isEqualTo("timeout:run-old");
        assertThat(request.body()).isEqualTo(Json.bytes(ALERT));
        assertThat(Json.MAPPER.readTree(request.body())).isEqualTo(Json.MAPPER.readTree("""
                {"alertId": "timeout:run-old", "kind": "timeout", "scriptName": "synchroFacture", "runId": "run-old",
                 "time": "2026-11-28T02:00:00.412Z", "message": "Script marked as failed - exceeded 3 day timeout",
                 "sweepId": "daily-cleanup-2am-20261128T0200Z"}"""));
        assertThat(request.header("Runwarden-Signature")).isEqualTo("sha256=" + hmac(SECRET, request.body()));
    }

    @Test
    void aSignatureOfOtherBytesOrAnotherSecretDoesNotVerify() throws Exception {
        sender.send(hook(SECRET), new AlertNotification(ALERT));
        Receiver.Request request = receiver.next();
        String signature = request.header("Runwarden-Signature");

        assertThat(signature).matches("sha256=[0-9a-f]{64}");
        assertThat(signature).isNotEqualTo("sha256=" + hmac("another", request.body()));
        byte[] altered = request.text().replace("run-old", "run-new").getBytes(StandardCharsets.UTF_8);
        assertThat(signature).isNotEqualTo("sha256=" + hmac(SECRET, altered));
    }

    @Test
    void withoutASecretNothingIsSigned() throws Exception {
        sender.send(hook(null), new AlertNotification(ALERT));

        assertThat(receiver.next().header("Runwarden-Signature")).isNull();
    }

    @Test
    void anIdBeyondPrintableAsciiIsPercentEncodedInTheHeaderAndExactInTheBody() throws Exception {
        Alert alert = Alert.of(AlertKind.FAILED, "Sauvegarde", "été 100%", TIME, "boom", null, null);

        sender.send(hook(SECRET), new AlertNotification(alert));

        Receiver.Request request = receiver.next();
        assertThat(request.header("Runwarden-Alert-Id")).isEqualTo("failed:%C3%A9t%C3%A9%20100%25");
        assertThat(Json.MAPPER.readTree(request.body()).get("alertId").textValue()).isEqualTo("failed:été 100%");
        assertThat(request.header("Runwarden-Signature")).isEqualTo("sha256=" + hmac(SECRET, request.body()));
    }

    @Test
    void aDigestIsOneObjectWithCountsAndTheFirstTenRuns() throws Exception {
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            alerts.add(Alert.of(AlertKind.TIMEOUT, i < 9 ? "backup" : "synchroFacture", "run-" + i,
                    TIME.plusSeconds(i), "Script marked as failed - exceeded 3 day timeout", "sweep-1", null));
        }
        Digest digest = Digest.of(alerts);

        sender.send(hook(SECRET), digest);

        Receiver.Request request = receiver.next();
        assertThat(request.header("Runwarden-Alert-Id")).isEqualTo("digest:sweep-1");
        assertThat(request.header("Runwarden-Signature")).isEqualTo("sha256=" + hmac(SECRET, request.body()));
        JsonNode body = Json.MAPPER.readTree(request.body());
        assertThat(body.get("alertId").textValue()).isEqualTo("digest:sweep-1");
        assertThat(body.get("kind").textValue()).isEqualTo("digest");
        assertThat(body.get("batchId").textValue()).isEqualTo("sweep-1");
        assertThat(body.get("sweepId").textValue()).isEqualTo("sweep-1");
        assertThat(body.has("checkId")).isFalse();
        assertThat(body.get("alertCount").intValue()).isEqualTo(13);
        assertThat(body.get("countsByKind")).isEqualTo(Json.MAPPER.readTree("{\"timeout\": 13}"));
        assertThat(body.get("countsByScript").toString()).isEqualTo("{\"backup\":9,\"synchroFacture\":4}");
        assertThat(body.get("runs")).hasSize(10);
        assertThat(body.get("runs").get(0)).isEqualTo(Json.MAPPER.valueToTree(alerts.get(0)));
        assertThat(body.get("unlistedRuns").intValue()).isEqualTo(3);
        assertThat(body.get("time").textValue()).isEqualTo("2026-11-28T02:00:12.412Z");
        assertThat(body.get("message").textValue()).isEqualTo("13 alerts from sweep sweep-1: 13 timeout");
        // the same digest sends the same bytes: a retry is the same message
        sender.send(hook(SECRET), Digest.of(alerts));
        assertThat(receiver.next().body()).isEqualTo(request.body());
    }

    @Test
    void aTestIsAnObjectOfKindTest() throws Exception {
        UUID uuid = UUID.fromString("2f1d7c1e-8a4b-4c2e-9a55-3c0e4f9b6d21");
        TestMessage test = new TestMessage("ops-hook", uuid, Instant.parse("2026-11-30T10:00:00Z"));

        sender.send(hook(null), test);

        Receiver.Request request = receiver.next();
        assertThat(request.header("Runwarden-Alert-Id")).isEqualTo("test:ops-hook:" + uuid);
        assertThat(Json.MAPPER.readTree(request.body())).isEqualTo(Json.MAPPER.readTree("""
                {"alertId": "test:ops-hook:2f1d7c1e-8a4b-4c2e-9a55-3c0e4f9b6d21", "kind": "test", "channel": "ops-hook",
                 "time": "2026-11-30T10:00:00.000Z", "message": "Test message from runwarden for channel ops-hook"}"""));
    }

    private Channel hook(String secret) {
        return ChannelRules.checked("ops-hook", Channels.webhook(receiver.url("/hooks/runwarden?team=ops"), secret));
    }

    /** The receiver's side, written apart from the sender's. */
    static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
