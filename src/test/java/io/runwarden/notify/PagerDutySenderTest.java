package io.runwarden.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.runwarden.notify.Channels.TIME;
import static org.assertj.core.api.Assertions.assertThat;

class PagerDutySenderTest {
    private static final String KEY = "0123456789abcdef0123456789abcdef";

    private final Receiver receiver = new Receiver()
            .answering(Receiver.Answer.of(202, "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"x\"}"));
    private final PagerDutySender sender = new PagerDutySender(Senders.httpClient(), Duration.ofSeconds(2), Clock.systemUTC());
    private final Channel channel = ChannelRules.checked("pd", Channels.pagerduty(KEY, receiver.url("/v2/enqueue")));

    PagerDutySenderTest() throws IOException {
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @ParameterizedTest
    @EnumSource(value = AlertKind.class, names = {"FAILED", "TIMEOUT", "MISSED"})
    void aFailureTriggersAnIncidentOfItsScript(AlertKind kind) throws Exception {
        Alert alert = Alert.of(kind, "synchroFacture", "run-old", TIME, "Script marked as failed - exceeded 3 day timeout", null, null);

        DeliveryOutcome outcome = sender.send(channel, new AlertNotification(alert));

        assertThat(outcome.outcome()).isEqualTo(DeliveryOutcome.Outcome.DELIVERED);
        assertThat(outcome.httpStatus()).isEqualTo(202);
        Receiver.Request request = receiver.next();
        assertThat(request.path()).isEqualTo("/v2/enqueue");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        JsonNode event = Json.MAPPER.readTree(request.body());
        assertThat(event.get("routing_key").textValue()).isEqualTo(KEY);
        assertThat(event.get("event_action").textValue()).isEqualTo("trigger");
        assertThat(event.get("dedup_key").textValue()).isEqualTo("synchroFacture");
        JsonNode payload = event.get("payload");
        assertThat(payload.get("summary").textValue())
                .isEqualTo(kind.wireName() + ": synchroFacture (run run-old): Script marked as failed - exceeded 3 day timeout");
        assertThat(payload.get("source").textValue()).isEqualTo("runwarden");
        assertThat(payload.get("severity").textValue()).isEqualTo("error");
        assertThat(payload.get("timestamp").textValue()).isEqualTo("2026-11-28T02:00:00.412Z");
        assertThat(payload.get("custom_details")).isEqualTo(Json.MAPPER.readTree(Json.bytes(alert)));
    }

    @Test
    void aRecoveryResolvesTheIncidentOfItsScript() throws Exception {
        Alert alert = Alert.of(AlertKind.RECOVERED, "synchroFacture", "run-new", TIME, "done", null, null);

        sender.send(channel, new AlertNotification(alert));

        JsonNode event = Json.MAPPER.readTree(receiver.next().body());
        assertThat(event.get("event_action").textValue()).isEqualTo("resolve");
        assertThat(event.get("dedup_key").textValue()).isEqualTo("synchroFacture");
        assertThat(event.get("routing_key").textValue()).isEqualTo(KEY);
        assertThat(event.get("payload").get("custom_details").get("alertId").textValue()).isEqualTo("recovered:run-new");
    }

    @Test
    void aTestTriggersThenResolvesItsOwnIncident() throws Exception {
        TestMessage test = new TestMessage("pd", UUID.fromString("00000000-0000-4000-8000-000000000002"),
                Instant.parse("2026-11-30T10:00:00Z"));

        DeliveryOutcome outcome = sender.send(channel, test);

        assertThat(outcome.outcome()).isEqualTo(DeliveryOutcome.Outcome.DELIVERED);
        JsonNode trigger = Json.MAPPER.readTree(receiver.next().body());
        JsonNode resolve = Json.MAPPER.readTree(receiver.next().body());
        assertThat(trigger.get("event_action").textValue()).isEqualTo("trigger");
        assertThat(trigger.get("dedup_key").textValue()).isEqualTo("runwarden-test-00000000-0000-4000-8000-000000000002");
        assertThat(trigger.get("payload").get("custom_details").get("alertId").textValue()).isEqualTo(test.id());
        assertThat(resolve.get("event_action").textValue()).isEqualTo("resolve");
        assertThat(resolve.get("dedup_key").textValue()).isEqualTo(trigger.get("dedup_key").textValue());
    }

    /**
     * A test's resolve must close only the test's incident: an open incident of a script, whatever its name (even
     * one named after the channel), stays open, and two tests are two incidents.
     */
    @Test
    void aTestNeverResolvesAScriptsIncident() throws Exception {
        Instant now = Instant.parse("2026-11-30T10:00:00Z");
        List<String> scripts = List.of("pd", "runwarden-test-pd", "runwarden-test-" + "pd".repeat(128));
        for (String script : scripts) {
            sender.send(channel, new AlertNotification(Alert.of(AlertKind.FAILED, script, "run-1", TIME, "exit 3", null, null)));
        }
        List<String> open = new ArrayList<>();
        for (int i = 0; i < scripts.size(); i++) {
            open.add(Json.MAPPER.readTree(receiver.next().body()).get("dedup_key").textValue());
        }

        List<String> testKeys = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            assertThat(sender.send(channel, TestMessage.of("pd", now)).outcome()).isEqualTo(DeliveryOutcome.Outcome.DELIVERED);
            JsonNode trigger = Json.MAPPER.readTree(receiver.next().body());
            JsonNode resolve = Json.MAPPER.readTree(receiver.next().body());
            assertThat(resolve.get("dedup_key")).isEqualTo(trigger.get("dedup_key"));
            testKeys.add(resolve.get("dedup_key").textValue());
        }

        assertThat(testKeys).doesNotContainAnyElementsOf(open).doesNotHaveDuplicates()
                .allSatisfy(key -> assertThat(key.length()).isLessThanOrEqualTo(PagerDutyEvent.MAX_DEDUP_KEY_CHARS));
    }

    @Test
    void aTestThatCannotTriggerSendsNoResolve() throws Exception {
        receiver.answering(Receiver.Answer.of(400, "{\"status\":\"invalid event\"}"));

        DeliveryOutcome outcome = sender.send(channel, TestMessage.of("pd", Instant.parse("2026-11-30T10:00:00Z")));

        assertThat(outcome.outcome()).isEqualTo(DeliveryOutcome.Outcome.FAILED);
        receiver.next();
        assertThat(receiver.nothingArrived(Duration.ofMillis(300))).isTrue();
    }

    @Test
    void aDigestIsNeverSentToPagerDuty() throws Exception {
        Digest digest = Digest.of(List.of(Channels.swept("a", "r1", "sweep-1"), Channels.swept("b", "r2", "sweep-1")));

        DeliveryOutcome outcome = sender.send(channel, digest);

        assertThat(outcome.outcome()).isEqualTo(DeliveryOutcome.Outcome.FAILED);
        assertThat(outcome.detail()).contains("digest");
        assertThat(receiver.nothingArrived(Duration.ofMillis(300))).isTrue();
    }

    @Test
    void anEchoedRoutingKeyIsNotInTheDetail() {
        receiver.answering(Receiver.Answer.echo(400));

        DeliveryOutcome outcome = sender.send(channel, new AlertNotification(Channels.alert(AlertKind.FAILED, "b", "r")));

        assertThat(outcome.outcome()).isEqualTo(DeliveryOutcome.Outcome.FAILED);
        assertThat(outcome.detail()).contains("\"routing_key\":\"********\"").doesNotContain(KEY);
    }

    @Test
    void aRateLimitIsRetried() {
        receiver.answering(Receiver.Answer.withHeader(429, "Retry-After", "30"));

        DeliveryOutcome outcome = sender.send(channel, new AlertNotification(Channels.alert(AlertKind.FAILED, "b", "r")));

        assertThat(outcome.outcome()).isEqualTo(DeliveryOutcome.Outcome.RETRY);
        assertThat(outcome.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aLongScriptNameStaysWithinPagerDutysDedupKeyAndDistinct() {
        String a = "s".repeat(255) + "a";
        String b = "s".repeat(255) + "b";

        assertThat(PagerDutyEvent.dedupKey("backup")).isEqualTo("backup");
        assertThat(PagerDutyEvent.dedupKey("s".repeat(255))).isEqualTo("s".repeat(255));
        assertThat(PagerDutyEvent.dedupKey(a)).hasSizeLessThanOrEqualTo(255).isNotEqualTo(PagerDutyEvent.dedupKey(b))
                .isEqualTo(PagerDutyEvent.dedupKey(a));
    }

    @Test
    void aLongMessageIsCutToPagerDutysSummary() throws Exception {
        Alert alert = Alert.of(AlertKind.FAILED, "backup", "r", TIME, "line\n".repeat(2_000), null, null);

        sender.send(channel, new AlertNotification(alert));

        JsonNode payload = Json.MAPPER.readTree(receiver.next().body()).get("payload");
        assertThat(payload.get("summary").textValue()).hasSizeLessThanOrEqualTo(1_024).doesNotContain("\n");
        assertThat(payload.get("custom_details").get("message").textValue()).isEqualTo(alert.message());
    }
}
