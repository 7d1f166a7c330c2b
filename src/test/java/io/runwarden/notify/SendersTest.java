package io.runwarden.notify;

import io.runwarden.config.SmtpSettings;
import io.runwarden.model.AlertKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SendersTest {
    private final Receiver receiver = new Receiver();
    private final Senders senders = new Senders(Senders.httpClient(), SmtpSettings.none(), Duration.ofSeconds(2), Clock.systemUTC());
    private final AlertNotification alert = new AlertNotification(Channels.alert(AlertKind.FAILED, "backup", "run-1"));

    SendersTest() throws IOException {
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void eachTypeGoesToItsSender() throws Exception {
        senders.send(ChannelRules.checked("hook", Channels.webhook(receiver.url("/hook"), null)), alert);
        senders.send(ChannelRules.checked("chat", Channels.slack(receiver.url("/slack"))), alert);
        senders.send(ChannelRules.checked("pd", Channels.pagerduty("key", receiver.url("/pd"))), alert);

        Receiver.Request hook = receiver.next();
        Receiver.Request chat = receiver.next();
        Receiver.Request pd = receiver.next();
        assertThat(hook.path()).isEqualTo("/hook");
        assertThat(hook.text()).contains("\"alertId\":\"failed:run-1\"");
        assertThat(chat.path()).isEqualTo("/slack");
        assertThat(chat.text()).startsWith("{\"text\":");
        assertThat(pd.path()).isEqualTo("/pd");
        assertThat(pd.text()).contains("\"event_action\":\"trigger\"");
        assertThat(senders.sender(ChannelType.EMAIL)).isInstanceOf(EmailSender.class);
    }

    @Test
    void emailWithoutAMailServerFails() {
        DeliveryOutcome outcome = senders.send(ChannelRules.checked("mail", Channels.email(List.of("ops@example.com"))), alert);

        assertThat(outcome.outcome()).isEqualTo(DeliveryOutcome.Outcome.FAILED);
        assertThat(outcome.detail()).contains("RUNWARDEN_SMTP_HOST");
    }

    @Test
    void aSenderThatBreaksIsRetriedNotThrown() {
        // a channel that skipped the rules: no URL at all
        Channel unchecked = new Channel("hook", ChannelType.WEBHOOK, null, null, null, null, null, null, null, null);

        DeliveryOutcome outcome = senders.send(unchecked, alert);

        assertThat(outcome.outcome()).isEqualTo(DeliveryOutcome.Outcome.RETRY);
        assertThat(outcome.detail()).startsWith("internal error");
    }
}
