package io.runwarden.notify;

import io.runwarden.config.SmtpSettings;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * Mails a notification over SMTP to the channel's {@code to}: a subject that says what happened
 * ({@code [runwarden] timeout: backup}), a plain-text body, and the {@code Runwarden-Alert-Id} header.
 */
public final class EmailSender implements Sender {
    private final SmtpSettings settings;
    private final Session session;
    private final Clock clock;

    public EmailSender(SmtpSettings settings) {
        this(settings, Sender.TIMEOUT, Clock.systemUTC());
    }

    EmailSender(SmtpSettings settings, Duration timeout, Clock clock) {
        this.settings = settings;
        this.session = settings.configured() ? Session.getInstance(properties(settings, timeout)) : null;
        this.clock = clock;
    }

    @Override
    public DeliveryOutcome send(Channel channel, Notification notification) {
        if (!settings.configured()) {
            return DeliveryOutcome.failed(null, "email is not set up: RUNWARDEN_SMTP_HOST and RUNWARDEN_SMTP_FROM name the mail server");
        }
        Redactor redactor = Redactor.of(settings.password());
        MimeMessage message;
        try {
            message = message(channel.to(), notification);
        } catch (AddressException e) {
            return DeliveryOutcome.failed(null, "the channel's to holds a bad address: " + redactor.clean(e.getMessage()));
        } catch (MessagingException e) {
            return DeliveryOutcome.failed(null, "the mail could not be written: " + redactor.clean(e.getMessage()));
        }
        try {
            message.saveChanges();
            Transport transport = message.getSession().getTransport("smtp");
            if (settings.username() != null) {
                transport.connect(settings.username(), settings.password());
            } else {
                transport.connect();
            }
            try {
                transport.sendMessage(message, message.getAllRecipients());
            } finally {
                closeQuietly(transport);
            }
            return DeliveryOutcome.delivered(null, "sent to " + channel.to().size() + " recipient" + (channel.to().size() == 1 ? "" : "s"));
        } catch (MessagingException e) {
            return SmtpOutcomes.of(e, redactor);
        } catch (RuntimeException e) {
            return DeliveryOutcome.retry(null, "mail error: " + redactor.describe(e), null);
        }
    }

    private MimeMessage message(List<String> to, Notification notification) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(settings.from(), true));
        InternetAddress[] recipients = new InternetAddress[to.size()];
        for (int i = 0; i < recipients.length; i++) {
            recipients[i] = new InternetAddress(to.get(i), true);
        }
        message.setRecipients(Message.RecipientType.TO, recipients);
        message.setSubject(NotificationText.subject(notification), "UTF-8");
        message.setText(NotificationText.body(notification, Markup.PLAIN), "UTF-8");
        message.setSentDate(Date.from(clock.instant()));
        message.setHeader(AlertIdHeader.NAME, AlertIdHeader.encode(notification.id()));
        // RFC 3834: out-of-office replies and the like must not answer an alert
        message.setHeader("Auto-Submitted", "auto-generated");
        return message;
    }

    /**
     * Every step bounded (connect, each read, each write); STARTTLS required rather than tried, so that a password is
     * never sent in clear because a server or an attacker in between left STARTTLS out; partial sends allowed, so
     * that one mistyped address does not keep an alert from the others.
     */
    static Properties properties(SmtpSettings settings, Duration timeout) {
        String millis = Long.toString(timeout.toMillis());
        Properties properties = new Properties();
        properties.put("mail.smtp.host", settings.host());
        properties.put("mail.smtp.port", Integer.toString(settings.port()));
        properties.put("mail.smtp.connectiontimeout", millis);
        properties.put("mail.smtp.timeout", millis);
        properties.put("mail.smtp.writetimeout", millis);
        properties.put("mail.smtp.from", envelopeSender(settings.from()));
        properties.put("mail.smtp.sendpartial", "true");
        properties.put("mail.smtp.auth", Boolean.toString(settings.username() != null));
        switch (settings.tls()) {
            case STARTTLS -> {
                properties.put("mail.smtp.starttls.enable", "true");
                properties.put("mail.smtp.starttls.required", "true");
                properties.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case TLS -> {
                properties.put("mail.smtp.ssl.enable", "true");
                properties.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case NONE -> {
                // a relay on this machine or a trusted network
            }
        }
        return properties;
    }

    private static String envelopeSender(String from) {
        try {
            return new InternetAddress(from, true).getAddress();
        } catch (AddressException e) {
            throw new IllegalArgumentException("RUNWARDEN_SMTP_FROM is not one email address", e);
        }
    }

    /**
     * Says QUIT. Once the server took the message (250 after DATA), a connection dropped at QUIT changes nothing: the
     * mail is on its way, and sending it again would only duplicate it.
     */
    private static void closeQuietly(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            // taken already, or never taken: sendMessage said which
        }
    }
}
