package io.runwarden.notify;

import io.runwarden.config.SmtpSettings;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.runwarden.notify.Channels.TIME;
import static io.runwarden.notify.DeliveryOutcome.Outcome.DELIVERED;
import static io.runwarden.notify.DeliveryOutcome.Outcome.FAILED;
import static io.runwarden.notify.DeliveryOutcome.Outcome.RETRY;
import static org.assertj.core.api.Assertions.assertThat;

/** The email sender against real SMTP servers: GreenMail, and a scripted one for the replies GreenMail never gives. */
class EmailSenderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final String PASSWORD = "smtp-pa55word";
    private static final Alert ALERT = new Alert("timeout:run-old", AlertKind.TIMEOUT, "backup", "run-old", TIME,
            "Script marked as failed - exceeded 3 day timeout", "daily-cleanup-2am-20261128T0200Z", null);

    @RegisterExtension
    static final GreenMailExtension GREENMAIL = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp"))
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("runwarden@example.com", "runwarden", PASSWORD));

    private final Channel channel = ChannelRules.checked("ops-mail",
            Channels.email(List.of("ops@example.com", "Oncall <oncall@example.org>")));

    @Test
    void anAlertArrivesWithItsSubjectBodyAndId() throws Exception {
        DeliveryOutcome outcome = sender(settings(GREENMAIL.getSmtp().getPort(), null, null, "none")).send(channel, new AlertNotification(ALERT));

        assertThat(outcome.outcome()).isEqualTo(DELIVERED);
        assertThat(outcome.httpStatus()).isNull();
        assertThat(GREENMAIL.waitForIncomingEmail(5_000, 2)).isTrue();
        MimeMessage mail = GREENMAIL.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[runwarden] timeout: backup");
        assertThat(mail.getHeader("Runwarden-Alert-Id", null)).isEqualTo("timeout:run-old");
        assertThat(mail.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("runwarden@example.com");
        assertThat(mail.getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
                .containsExactly("ops@example.com", "Oncall <oncall@example.org>");
        assertThat(mail.getContentType()).startsWith("text/plain");
        assertThat(GreenMailUtil.getBody(mail).replace("\r\n", "\n")).isEqualTo("""
                timeout: backup
                Run: run-old
                Time: 2026-11-28T02:00:00.412Z
                Sweep: daily-cleanup-2am-20261128T0200Z
                Message: Script marked as failed - exceeded 3 day timeout
                Alert id: timeout:run-old""");
    }

    @Test
    void aDigestSaysItsCountsInTheSubject() throws Exception {
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            alerts.add(Alert.of(i < 8 ? AlertKind.TIMEOUT : AlertKind.MISSED, "job-" + (i % 3), "run-" + i, TIME,
                    "gone", i < 8 ? "sweep-9" : null, i < 8 ? null : "x"));
        }
        Digest digest = Digest.of(alerts.subList(0, 8));

        DeliveryOutcome outcome = sender(settings(GREENMAIL.getSmtp().getPort(), null, null, "none")).send(channel, digest);

        assertThat(outcome.outcome()).isEqualTo(DELIVERED);
        assertThat(GREENMAIL.waitForIncomingEmail(5_000, 2)).isTrue();
        MimeMessage mail = GREENMAIL.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[runwarden] 8 alerts from sweep sweep-9: 8 timeout");
        assertThat(mail.getHeader("Runwarden-Alert-Id", null)).isEqualTo("digest:sweep-9");
        assertThat(GreenMailUtil.getBody(mail)).contains("- job-0: 3").contains("- job-2: 2").contains("Runs:");
    }

    @Test
    void aNonAsciiSubjectAndBodyArriveIntact() throws Exception {
        Alert alert = Alert.of(AlertKind.FAILED, "Sauvegarde-été", "run-1", TIME, "échec: disque plein ✗", null, null);

        sender(settings(GREENMAIL.getSmtp().getPort(), null, null, "none")).send(channel, new AlertNotification(alert));

        assertThat(GREENMAIL.waitForIncomingEmail(5_000, 2)).isTrue();
        MimeMessage mail = GREENMAIL.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[runwarden] failed: Sauvegarde-été");
        assertThat((String) mail.getContent()).contains("Message: échec: disque plein ✗");
        assertThat(mail.getHeader("Runwarden-Alert-Id", null)).isEqualTo("failed:run-1");
    }

    @Test
    void aLoginWithTheRightPasswordDelivers() {
        DeliveryOutcome outcome = sender(settings(GREENMAIL.getSmtp().getPort(), "runwarden", PASSWORD, "none"))
                .send(channel, new AlertNotification(ALERT));

        assertThat(outcome.outcome()).isEqualTo(DELIVERED);
        assertThat(GREENMAIL.waitForIncomingEmail(5_000, 2)).isTrue();
    }

    @Test
    void aWrongPasswordFailsForGoodWithoutShowingIt() {
        String wrong = "not-the-pa55word";
        DeliveryOutcome outcome = sender(settings(GREENMAIL.getSmtp().getPort(), "runwarden", wrong, "none"))
                .send(channel, new AlertNotification(ALERT));

        assertThat(outcome.outcome()).isEqualTo(FAILED);
        assertThat(outcome.detail()).startsWith("SMTP 535").doesNotContain(wrong);
        assertThat(GREENMAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void starttlsIsRequiredNotTried() {
        // GreenMail's plain SMTP offers no STARTTLS: the password must not go out in clear
        DeliveryOutcome outcome = sender(settings(GREENMAIL.getSmtp().getPort(), "runwarden", PASSWORD, "starttls"))
                .send(channel, new AlertNotification(ALERT));

        assertThat(outcome.outcome()).isEqualTo(RETRY);
        assertThat(outcome.detail()).containsIgnoringCase("STARTTLS").doesNotContain(PASSWORD);
        assertThat(GREENMAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void aServerThatIsDownIsRetried() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }

        DeliveryOutcome outcome = sender(settings(closed, null, null, "none")).send(channel, new AlertNotification(ALERT));

        assertThat(outcome.outcome()).isEqualTo(RETRY);
        assertThat(outcome.detail()).startsWith("could not reach the mail server");
    }

    @Test
    void aServerThatNeverGreetsIsRetriedAfterTheTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            DeliveryOutcome outcome = sender(settings(silent.getLocalPort(), null, null, "none"))
                    .send(channel, new AlertNotification(ALERT));

            assertThat(outcome.outcome()).isEqualTo(RETRY);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        }
    }

    @Test
    void withoutAMailServerEmailFailsSayingWhy() {
        DeliveryOutcome outcome = new EmailSender(SmtpSettings.none()).send(channel, new AlertNotification(ALERT));

        assertThat(outcome.outcome()).isEqualTo(FAILED);
        assertThat(outcome.detail()).contains("RUNWARDEN_SMTP_HOST");
    }

    @Test
    void aRecipientRefusedForGoodFails() throws IOException {
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer(Map.of(
                "ops@example.com", "550 5.1.1 <ops@example.com>: no such user",
                "oncall@example.org", "550 5.1.1 <oncall@example.org>: no such user"))) {
            DeliveryOutcome outcome = sender(settings(smtp.port(), null, null, "none")).send(channel, new AlertNotification(ALERT));

            assertThat(outcome.outcome()).isEqualTo(FAILED);
            assertThat(outcome.detail()).startsWith("SMTP 550 5.1.1");
            assertThat(smtp.messages()).isEmpty();
        }
    }

    @Test
    void aRecipientRefusedForNowIsRetried() throws IOException {
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer(Map.of(
                "ops@example.com", "451 4.7.1 greylisted, try again later",
                "oncall@example.org", "451 4.7.1 greylisted, try again later"))) {
            DeliveryOutcome outcome = sender(settings(smtp.port(), null, null, "none")).send(channel, new AlertNotification(ALERT));

            assertThat(outcome.outcome()).isEqualTo(RETRY);
            assertThat(outcome.detail()).startsWith("SMTP 451 4.7.1");
        }
    }

    @Test
    void aRefusalForNowOutweighsOneForGood() throws IOException {
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer(Map.of(
                "ops@example.com", "550 5.1.1 no such user",
                "oncall@example.org", "451 4.3.0 try again later"))) {
            DeliveryOutcome outcome = sender(settings(smtp.port(), null, null, "none")).send(channel, new AlertNotification(ALERT));

            assertThat(outcome.outcome()).isEqualTo(RETRY);
            assertThat(outcome.detail()).isEqualTo("SMTP 451 4.3.0 try again later");
        }
    }

    @Test
    void oneMistypedAddressDoesNotKeepTheAlertFromTheOthers() throws IOException {
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer(Map.of("oncall@example.org", "550 5.1.1 no such user"))) {
            DeliveryOutcome outcome = sender(settings(smtp.port(), null, null, "none")).send(channel, new AlertNotification(ALERT));

            assertThat(outcome.outcome()).isEqualTo(DELIVERED);
            assertThat(outcome.detail()).startsWith("sent to 1, refused to 1");
            assertThat(smtp.accepted()).containsExactly("ops@example.com");
            assertThat(smtp.messages()).hasSize(1);
        }
    }

    @Test
    void oneAddressRefusedForNowIsRetriedForAll() throws IOException {
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer(Map.of("oncall@example.org", "452 4.2.2 mailbox full"))) {
            DeliveryOutcome outcome = sender(settings(smtp.port(), null, null, "none")).send(channel, new AlertNotification(ALERT));

            assertThat(outcome.outcome()).isEqualTo(RETRY);
            assertThat(outcome.detail()).startsWith("sent to 1, refused for now to 1");
        }
    }

    /** The server took the mail (250 after DATA), then reset the connection at QUIT: sent, not to be sent again. */
    @Test
    void aMailTheServerTookIsDeliveredThoughTheConnectionDropsAtQuit() throws IOException {
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer(Map.of(ScriptedSmtpServer.QUIT, "reset"))) {
            DeliveryOutcome outcome = sender(settings(smtp.port(), null, null, "none")).send(channel, new AlertNotification(ALERT));

            assertThat(outcome.outcome()).isEqualTo(DELIVERED);
            assertThat(smtp.messages()).hasSize(1);
        }
    }

    private static EmailSender sender(SmtpSettings settings) {
        return new EmailSender(settings, TIMEOUT, Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC));
    }

    private static SmtpSettings settings(int port, String username, String password, String tls) {
        Map<String, String> env = new HashMap<>(Map.of(
                "RUNWARDEN_SMTP_HOST", "127.0.0.1",
                "RUNWARDEN_SMTP_PORT", Integer.toString(port),
                "RUNWARDEN_SMTP_FROM", "runwarden@example.com",
                "RUNWARDEN_SMTP_TLS", tls));
        if (username != null) {
            env.put("RUNWARDEN_SMTP_USERNAME", username);
            env.put("RUNWARDEN_SMTP_PASSWORD", password);
        }
        return SmtpSettings.fromEnv(env);
    }

    @Test
    void everyStepOfTheMailIsBoundedAndStarttlsRequired() {
        var properties = EmailSender.properties(SmtpSettings.fromEnv(Map.of("RUNWARDEN_SMTP_HOST", "smtp.example.com",
                "RUNWARDEN_SMTP_FROM", "Runwarden <alerts@example.com>")), Sender.TIMEOUT);

        assertThat(properties).containsEntry("mail.smtp.connectiontimeout", "10000").containsEntry("mail.smtp.timeout", "10000")
                .containsEntry("mail.smtp.writetimeout", "10000").containsEntry("mail.smtp.starttls.required", "true")
                .containsEntry("mail.smtp.from", "alerts@example.com").containsEntry("mail.smtp.port", "587");
    }
}
