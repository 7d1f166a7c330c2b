package io.runwarden.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmtpSettingsTest {
    private static final String PASSWORD = "hunter2-secret";

    @Test
    void nothingSetMeansNoMailServer() {
        SmtpSettings settings = SmtpSettings.fromEnv(Map.of());

        assertThat(settings.configured()).isFalse();
        assertThat(settings.port()).isEqualTo(587);
        assertThat(settings.tls()).isEqualTo(SmtpSettings.Tls.STARTTLS);
        assertThat(settings.toString()).isEqualTo("SMTP unset");
    }

    @Test
    void readsEverySetting() {
        SmtpSettings settings = SmtpSettings.fromEnv(Map.of("RUNWARDEN_SMTP_HOST", "smtp.example.com",
                "RUNWARDEN_SMTP_PORT", "465", "RUNWARDEN_SMTP_USERNAME", "relay", "RUNWARDEN_SMTP_PASSWORD", PASSWORD,
                "RUNWARDEN_SMTP_FROM", "Runwarden <alerts@example.com>", "RUNWARDEN_SMTP_TLS", "tls"));

        assertThat(settings).isEqualTo(new SmtpSettings("smtp.example.com", 465, "relay", PASSWORD,
                "Runwarden <alerts@example.com>", SmtpSettings.Tls.TLS));
        assertThat(settings.toString()).doesNotContain(PASSWORD).contains("smtp.example.com:465");
    }

    @Test
    void theSenderDefaultsToAUsernameThatIsAnAddress() {
        SmtpSettings settings = SmtpSettings.fromEnv(Map.of("RUNWARDEN_SMTP_HOST", "smtp.example.com",
                "RUNWARDEN_SMTP_USERNAME", "alerts@example.com", "RUNWARDEN_SMTP_PASSWORD", PASSWORD));

        assertThat(settings.from()).isEqualTo("alerts@example.com");
        assertThat(settings.tls()).isEqualTo(SmtpSettings.Tls.STARTTLS);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "RUNWARDEN_SMTP_PORT     | 0              | RUNWARDEN_SMTP_PORT",
            "RUNWARDEN_SMTP_PORT     | 65536          | RUNWARDEN_SMTP_PORT",
            "RUNWARDEN_SMTP_PORT     | smtp           | RUNWARDEN_SMTP_PORT",
            "RUNWARDEN_SMTP_TLS      | ssl            | RUNWARDEN_SMTP_TLS",
            "RUNWARDEN_SMTP_TLS      | STARTTLS       | RUNWARDEN_SMTP_TLS",
            "RUNWARDEN_SMTP_FROM     | not an address | RUNWARDEN_SMTP_FROM",
            "RUNWARDEN_SMTP_FROM     | a@b.c, d@e.f   | RUNWARDEN_SMTP_FROM",
            "RUNWARDEN_SMTP_HOST     | smtp host      | RUNWARDEN_SMTP_HOST"})
    void aBadValueIsRefusedNamingItsVariable(String variable, String value, String named) {
        Map<String, String> env = new HashMap<>(Map.of("RUNWARDEN_SMTP_HOST", "smtp.example.com",
                "RUNWARDEN_SMTP_FROM", "alerts@example.com"));
        env.put(variable, value);

        assertThatThrownBy(() -> SmtpSettings.fromEnv(env)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
    }

    @Test
    void aHostNeedsASender() {
        assertThatThrownBy(() -> SmtpSettings.fromEnv(Map.of("RUNWARDEN_SMTP_HOST", "smtp.example.com")))
                .hasMessageContaining("RUNWARDEN_SMTP_FROM");
    }

    @Test
    void aUsernameAndAPasswordComeTogetherAndThePasswordIsNeverQuoted() {
        assertThatThrownBy(() -> SmtpSettings.fromEnv(Map.of("RUNWARDEN_SMTP_HOST", "smtp.example.com",
                "RUNWARDEN_SMTP_FROM", "alerts@example.com", "RUNWARDEN_SMTP_PASSWORD", PASSWORD)))
                .hasMessageContaining("RUNWARDEN_SMTP_USERNAME").hasMessageNotContaining(PASSWORD);
        assertThatThrownBy(() -> SmtpSettings.fromEnv(Map.of("RUNWARDEN_SMTP_HOST", "smtp.example.com",
                "RUNWARDEN_SMTP_FROM", "alerts@example.com", "RUNWARDEN_SMTP_USERNAME", "relay")))
                .hasMessageContaining("RUNWARDEN_SMTP_PASSWORD");
    }
}
