package io.runwarden.notify;

import io.runwarden.model.AlertKind;
import io.runwarden.model.InvalidFieldException;
import io.runwarden.model.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ChannelJsonTest {

    @Test
    void readsTheChannelOfTheDesign() {
        Channel channel = read("""
                {"name": "ops-slack", "type": "slack", "url": "https://hooks.slack.com/services/T/B/X",
                 "scripts": ["synchro*", "backup"], "kinds": ["failed", "timeout", "missed", "recovered"], "enabled": true}""");

        assertThat(channel).isEqualTo(new Channel("ops-slack", ChannelType.SLACK, "https://hooks.slack.com/services/T/B/X",
                null, null, null, List.of("synchro*", "backup"),
                List.of(AlertKind.FAILED, AlertKind.TIMEOUT, AlertKind.MISSED, AlertKind.RECOVERED), true, null));
    }

    @Test
    void whatIsWrittenReadsBackTheSame() {
        Channel channel = ChannelRules.checked("mail", new Channel(null, ChannelType.EMAIL, null, null,
                List.of("ops@example.com"), null, null, List.of(AlertKind.MISSED), false, Instant.parse("2026-11-30T10:12:00Z")));

        String json = Json.string(channel);

        assertThat(json).contains("\"createdAt\":\"2026-11-30T10:12:00.000Z\"").contains("\"kinds\":[\"missed\"]")
                .doesNotContain("secret").doesNotContain("routingKey");
        assertThat(ChannelJson.read(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(channel);
    }

    @Test
    void nullsAreAbsentFields() {
        Channel channel = read("{\"type\": \"webhook\", \"url\": \"https://h.example/x\", \"secret\": null, \"scripts\": null}");

        assertThat(channel.secret()).isNull();
        assertThat(channel.scripts()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\": \"webhook\", \"colour\": \"red\"}                 | colour",
            "{\"type\": \"Webhook\"}                                      | type",
            "{\"type\": 1}                                                | type",
            "{\"type\": \"webhook\", \"url\": 42}                          | url",
            "{\"type\": \"webhook\", \"secret\": {}}                       | secret",
            "{\"type\": \"email\", \"to\": \"ops@example.com\"}            | to",
            "{\"type\": \"email\", \"to\": [1]}                            | to",
            "{\"type\": \"pagerduty\", \"routingKey\": []}                 | routingKey",
            "{\"type\": \"webhook\", \"scripts\": \"a*\"}                  | scripts",
            "{\"type\": \"webhook\", \"kinds\": [\"failure\"]}             | kinds",
            "{\"type\": \"webhook\", \"kinds\": [0]}                       | kinds",
            "{\"type\": \"webhook\", \"enabled\": \"false\"}               | enabled",
            "{\"type\": \"webhook\", \"enabled\": 0}                       | enabled",
            "{\"type\": \"webhook\", \"createdAt\": \"yesterday\"}         | createdAt",
            "{\"name\": 7}                                                 | name",
            "[]                                                            | body",
            "\"webhook\"                                                   | body",
            "{\"type\": \"webhook\"} {}                                    | body",
            "{\"type\": \"webhook\", \"type\": \"slack\"}                  | body",
            "{\"type\": \"webhook\"                                        | body",
            "''                                                            | body"})
    void refusalsNameTheField(String json, String field) {
        InvalidFieldException refused = catchThrowableOfType(InvalidFieldException.class, () -> read(json));

        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.field()).isEqualTo(field);
    }

    @Test
    void brokenJsonIsNotQuoted() {
        InvalidFieldException refused = catchThrowableOfType(InvalidFieldException.class,
                () -> read("{\"type\": \"webhook\", \"secret\": \"s3cr3t-value"));

        assertThat(refused.getMessage()).doesNotContain("s3cr3t");
    }

    private static Channel read(String json) {
        return ChannelJson.read(json.getBytes(StandardCharsets.UTF_8));
    }
}
