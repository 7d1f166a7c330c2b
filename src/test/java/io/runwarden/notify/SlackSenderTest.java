package io.runwarden.notify;

import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.runwarden.notify.Channels.TIME;
import static org.assertj.core.api.Assertions.assertThat;

class SlackSenderTest {
    private final Receiver receiver = new Receiver();
    private final SlackSender sender = new SlackSender(Senders.httpClient(), Duration.ofSeconds(2), Clock.systemUTC());
    private final Channel channel = ChannelRules.checked("ops-slack", Channels.slack(receiver.url("/services/T000/B000/XXXX")));

    SlackSenderTest() throws IOException {
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void anAlertIsOneReadableText() throws Exception {
        Alert alert = new Alert("timeout:run-old", AlertKind.TIMEOUT, "backup", "run-old", TIME,
                "Script marked as failed - exceeded 3 day timeout", "daily-cleanup-2am-20261128T0200Z", null);

        DeliveryOutcome outcome = sender.send(channel, new AlertNotification(alert));

        assertThat(outcome.outcome()).isEqualTo(DeliveryOutcome.Outcome.DELIVERED);
        Receiver.Request request = receiver.next();
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("Runwarden-Alert-Id")).isEqualTo("timeout:run-old");
        var body = Json.MAPPER.readTree(request.body());
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.get("text").textValue()).isEqualTo("""
                *timeout: backup*
                Run: run-old
                Time: 2026-11-28T02:00:00.412Z
                Sweep: daily-cleanup-2am-20261128T0200Z
                Message: Script marked as failed - exceeded 3 day timeout
                Alert id: timeout:run-old""");
    }

    @Test
    void whatAScriptSaysCannotMentionAChannel() throws Exception {
        Alert alert = Alert.of(AlertKind.FAILED, "<!channel>", "r&d", TIME, "exit 1: <https://evil.example|click> & <@U123>", null, null);

        sender.send(channel, new AlertNotification(alert));

        String text = Json.MAPPER.readTree(receiver.next().body()).get("text").textValue();
        assertThat(text).doesNotContain("<").doesNotContain(">")
                .contains("*failed: &lt;!channel&gt;*")
                .contains("Run: r&amp;d")
                .contains("exit 1: &lt;https://evil.example|click&gt; &amp; &lt;@U123&gt;");
    }

    @Test
    void aDigestIsOneMessageWithCountsPerScriptAndTheFirstTenRuns() throws Exception {
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            alerts.add(Alert.of(AlertKind.MISSED, i < 10 ? "synchroFacture" : "backup", "run-" + i, TIME.plusSeconds(i),
                    "Script did not start - expected at 2026-11-30T03:00:00Z (grace 10 minutes)\nsecond line", null, "check-7"));
        }

        sender.send(channel, Digest.of(alerts));

        Receiver.Request request = receiver.next();
        assertThat(request.header("Runwarden-Alert-Id")).isEqualTo("digest:check-7");
        String text = Json.MAPPER.readTree(request.body()).get("text").textValue();
        assertThat(text).startsWith("""
                *14 alerts from missed-start check check-7*
                By kind: 14 missed
                By script:
                - synchroFacture: 10
                - backup: 4
                First 10 runs:
                - missed synchroFacture run run-0 at 2026-11-28T02:00:00.412Z: Script did not start - expected at 2026-11-30T03:00:00Z (grace 10 minutes)
                """);
        assertThat(text).contains("run run-9 ").doesNotContain("run run-10 ").doesNotContain("second line")
                .contains("and 4 more runs\nDigest id: digest:check-7");
    }

    /**
     * Slack cuts a text over 40,000 characters wherever it falls: through the alert id, or inside an escape. A
     * longest message of ampersands (five characters each once escaped) is shortened instead, whole escapes only.
     */
    @Test
    void aLongestMessageFitsSlacksLimitWithItsAlertId() throws Exception {
        Alert alert = Alert.of(AlertKind.FAILED, "&".repeat(256), "r&d".repeat(85), TIME, "&".repeat(8_192), null, null);

        sender.send(channel, new AlertNotification(alert));

        String text = Json.MAPPER.readTree(receiver.next().body()).get("text").textValue();
        assertThat(text.length()).isLessThanOrEqualTo(40_000);
        assertThat(text).endsWith("&amp;…\nAlert id: failed:" + "r&amp;d".repeat(85));
        assertThat(text.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")).as("only whole escapes").doesNotContain("&");
        assertThat(text).contains("Message: &amp;&amp;");
    }

    @Test
    void aMessageThatFitsIsSentWhole() throws Exception {
        Alert alert = Alert.of(AlertKind.FAILED, "backup", "run-1", TIME, "<".repeat(8_192), null, null);

        sender.send(channel, new AlertNotification(alert));

        String text = Json.MAPPER.readTree(receiver.next().body()).get("text").textValue();
        assertThat(text).contains("Message: " + "&lt;".repeat(8_192) + "\nAlert id: failed:run-1").doesNotContain("…");
    }

    /** Fifty scripts of 256 escaped characters listed would be 64,000 characters: fewer are listed, the rest counted. */
    @Test
    void aDigestOfLongScriptNamesFitsSlacksLimitWithItsId() throws Exception {
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String script = String.format("%03d", i) + "&".repeat(253);
            alerts.add(Alert.of(AlertKind.TIMEOUT, script, "r&" + i, TIME, "late & more", "sweep-&", null));
        }

        sender.send(channel, Digest.of(alerts));

        String text = Json.MAPPER.readTree(receiver.next().body()).get("text").textValue();
        assertThat(text.length()).isLessThanOrEqualTo(40_000);
        assertThat(text).startsWith("*60 alerts from sweep sweep-&amp;*\nBy kind: 60 timeout\nBy script:\n- 000&amp;")
                .containsPattern("- and \\d+ more scripts\n")
                .contains("First 10 runs:\n").contains("and 50 more runs\n")
                .endsWith("\nDigest id: digest:sweep-&amp;");
        assertThat(text.replace("&amp;", "")).doesNotContain("&");
    }

    @Test
    void aTestSaysWhichChannelItProves() throws Exception {
        TestMessage test = new TestMessage("ops-slack", UUID.fromString("00000000-0000-4000-8000-000000000001"),
                Instant.parse("2026-11-30T10:00:00Z"));

        sender.send(channel, test);

        String text = Json.MAPPER.readTree(receiver.next().body()).get("text").textValue();
        assertThat(text).contains("Test message from runwarden").contains("Channel: ops-slack")
                .contains("Requested at: 2026-11-30T10:00:00.000Z");
    }

    @Test
    void slacksRefusalsFailWithoutShowingTheUrl() {
        receiver.answering(Receiver.Answer.of(403, "invalid_token"));

        DeliveryOutcome outcome = sender.send(channel, new AlertNotification(Channels.alert(AlertKind.FAILED, "b", "r")));

        assertThat(outcome.outcome()).isEqualTo(DeliveryOutcome.Outcome.FAILED);
        assertThat(outcome.detail()).isEqualTo("HTTP 403: invalid_token");
    }
}
