package io.runwarden.notify;

import io.runwarden.alerts.BatchDone;
import io.runwarden.config.SmtpSettings;
import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.Json;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The records of the alert feed as a channel's worker takes them ({@link ChannelWorker} reads each through
 * {@link FeedRecords}): what the alert processor writes is taken; a value with any field it would never write is
 * skipped, not sent; and what is taken, every sender sends to a real receiver without an internal error (which would
 * be retried for a day while the rest of the channel's alerts wait behind it).
 */
class FeedRecordsProperties {
    private static final Instant T = Instant.parse("2026-11-28T02:00:00.412Z");
    private static final String LONG_MISSED_RUN = "s".repeat(256) + "@2026-11-28T12:05:00Z";
    private static final String LONG_JOB_SWEEP = "j".repeat(256) + "-20261128T0200Z";
    private static Receiver receiver;
    private static final Senders SENDERS = new Senders(Senders.httpClient(), SmtpSettings.none(), Duration.ofSeconds(5), Clock.systemUTC());

    @BeforeContainer
    static void start() throws IOException {
        receiver = new Receiver();
    }

    @AfterContainer
    static void stop() {
        receiver.close();
    }

    @Example
    void whatTheAlertProcessorWritesIsTaken() {
        List<Alert> written = new ArrayList<>();
        for (AlertKind kind : AlertKind.values()) {
            written.add(Alert.of(kind, "backup", "run-1", T, "exit 3", null, null));
        }
        written.add(Alert.of(AlertKind.MISSED, "s".repeat(256), LONG_MISSED_RUN, T, "Script did not start", null, "check-20261128T115950Z-0"));
        written.add(Alert.of(AlertKind.TIMEOUT, "名前-\uD83D\uDCBE", "run-2", Instant.parse("9999-12-31T23:59:59Z"),
                "m".repeat(8_192), LONG_JOB_SWEEP, null));
        written.add(Alert.of(AlertKind.FAILED, "backup", "run-3", Instant.EPOCH, null, null, null));
        for (Alert alert : written) {
            assertThat(FeedRecords.alert(Json.bytes(alert))).isEqualTo(alert);
        }
        assertThat(FeedRecords.batchEnd(Json.bytes(new BatchDone(LONG_JOB_SWEEP, 5)))).isEqualTo(new BatchDone(LONG_JOB_SWEEP, 5));
    }

    @Example
    void valuesThatAreNoAlertOrNoBatchEndAreRefused() {
        List<String> values = new ArrayList<>(List.of("", "not json", "null", "[]", "42", "\"failed\"", "{}", "{",
                "[".repeat(200_000), "{\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}"));
        for (String value : values) {
            assertThatThrownBy(() -> FeedRecords.alert(value.getBytes(StandardCharsets.UTF_8))).as(value.length() > 60 ? value.substring(0, 60) : value)
                    .isInstanceOf(RuntimeException.class);
            assertThatThrownBy(() -> FeedRecords.batchEnd(value.getBytes(StandardCharsets.UTF_8))).as(value.length() > 60 ? value.substring(0, 60) : value)
                    .isInstanceOf(RuntimeException.class);
        }
        assertThatThrownBy(() -> FeedRecords.alert(null)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> FeedRecords.batchEnd(null)).isInstanceOf(RuntimeException.class);
        for (String end : List.of("{\"partition\":0}", "{\"batchId\":\"\",\"partition\":0}", "{\"batchId\":\"" + "b".repeat(321) + "\"}",
                "{\"batchId\":\"a\\u0000b\"}", "{\"batchId\":{}}")) {
            assertThatThrownBy(() -> FeedRecords.batchEnd(end.getBytes(StandardCharsets.UTF_8))).as(end).isInstanceOf(RuntimeException.class);
        }
    }

    /** A field of an alert as JSON (null: left out), and whether the alert processor could have written it. */
    record Field(String label, String json, boolean good) {
        static Field good(String label, String json) {
            return new Field(label, json, true);
        }

        static Field bad(String label, String json) {
            return new Field(label, json, false);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** An alert's JSON, and whether every field of it is one the alert processor could have written. */
    record FeedValue(String label, byte[] json, boolean good) {
        @Override
        public String toString() {
            return label + (good ? " [good]" : " [bad]") + ", " + json.length + " bytes";
        }
    }

    @Property(tries = 200)
    void anAlertTheProcessorCouldHaveWrittenIsTakenAndSentAnyOtherIsSkipped(@ForAll("feedValues") FeedValue value,
                                                                           @ForAll("httpTypes") ChannelType type) {
        Alert alert;
        try {
            alert = FeedRecords.alert(value.json());
        } catch (RuntimeException refused) {
            assertThat(value.good()).as("%s refused: %s", value, refused.getMessage()).isFalse();
            return;
        }
        assertThat(value.good()).as("%s taken", value).isTrue();
        AlertNotification notification = new AlertNotification(alert);
        Channel channel = switch (type) {
            case WEBHOOK -> Channels.webhook(receiver.url("/hook"), "s3cret");
            case SLACK -> Channels.slack(receiver.url("/slack"));
            default -> Channels.pagerduty("R0UT1NG", receiver.url("/pd"));
        };
        DeliveryOutcome outcome = SENDERS.send(ChannelRules.checked("feed", channel), notification);
        assertThat(outcome.outcome()).as("%s sent to a %s channel: %s", value, type, outcome.detail())
                .isEqualTo(DeliveryOutcome.Outcome.DELIVERED);
        // an email's text, as the email sender writes it
        assertThat(NotificationText.subject(notification)).isNotBlank();
        assertThat(NotificationText.body(notification, Markup.PLAIN)).isNotBlank();
    }

    @Provide
    Arbitrary<ChannelType> httpTypes() {
        return Arbitraries.of(ChannelType.WEBHOOK, ChannelType.SLACK, ChannelType.PAGERDUTY);
    }

    @Provide
    Arbitrary<FeedValue> feedValues() {
        Arbitrary<Field> alertIds = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, Arbitraries.just(Field.good("alertId {kind}:{runId}", "=DERIVED"))),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Field.bad("no alertId", null), Field.bad("alertId of another", "\"failed:other\""),
                        Field.bad("alertId empty", "\"\""), Field.bad("alertId number", "42"))));
        Arbitrary<Field> kinds = leaning(Field.good("failed", "\"failed\""), Field.good("timeout", "\"timeout\""),
                Field.good("missed", "\"missed\""), Field.good("recovered", "\"recovered\""),
                Field.bad("kind exploded", "\"exploded\""), Field.bad("kind digest", "\"digest\""), Field.bad("kind missing", null),
                Field.bad("kind null", "null"), Field.bad("kind 1", "1"), Field.bad("kind FAILED", "\"FAILED\""));
        Arbitrary<Field> scripts = leaning(Field.good("scriptName", "\"backup\""), Field.good("scriptName cjk", "\"名前-スクリプト\""),
                Field.good("scriptName 256", "\"" + "n".repeat(256) + "\""), Field.good("scriptName emoji", "\"backup-\\ud83d\\udcbe\""),
                Field.bad("scriptName missing", null), Field.bad("scriptName empty", "\"\""), Field.bad("scriptName blank", "\"  \""),
                Field.bad("scriptName 257", "\"" + "n".repeat(257) + "\""), Field.bad("scriptName 300 KB", "\"" + "n".repeat(300_000) + "\""),
                Field.bad("scriptName NUL", "\"a\\u0000b\""), Field.bad("scriptName CRLF", "\"a\\r\\nb\""),
                Field.bad("scriptName lone surrogate", "\"a\\ud800\""), Field.bad("scriptName object", "{}"));
        Arbitrary<Field> runIds = leaning(Field.good("runId", "\"run-" + UUID.randomUUID() + "\""),
                Field.good("runId of a missed slot of a 256-char script", "\"" + LONG_MISSED_RUN + "\""),
                Field.bad("runId missing", null), Field.bad("runId empty", "\"\""), Field.bad("runId 257", "\"" + "r".repeat(257) + "\""),
                Field.bad("runId 300 KB", "\"" + "r".repeat(300_000) + "\""), Field.bad("runId newline", "\"r\\nforged\""),
                Field.bad("runId array", "[\"r\"]"));
        Arbitrary<Field> times = leaning(Field.good("time", "\"2026-11-28T02:00:00.412Z\""), Field.good("time last", "\"9999-12-31T23:59:59Z\""),
                Field.good("time epoch", "\"1970-01-01T00:00:00Z\""),
                Field.bad("time missing", null), Field.bad("time null", "null"), Field.bad("time year 10000", "\"+10000-01-01T00:00:00Z\""),
                Field.bad("time before the epoch", "\"1969-12-31T23:59:59Z\""), Field.bad("time words", "\"yesterday\""),
                Field.bad("time epoch ms", "1795000000000"), Field.bad("time object", "{}"));
        Arbitrary<Field> messages = leaning(Field.good("no message", null), Field.good("message", "\"exit 3\""),
                Field.good("message 8,192", "\"" + "m".repeat(8_192) + "\""), Field.good("message controls", "\"l1\\nl2\\u0000\\u001b[2J\""),
                Field.good("message number", "42"),
                Field.bad("message 8,193", "\"" + "m".repeat(8_193) + "\""), Field.bad("message 600 KB", "\"" + "m".repeat(600_000) + "\""),
                Field.bad("message object", "{}"));
        Arbitrary<Field> batches = leaning(Field.good("no batch", null), Field.good("sweepId", "\"sweepId\":\"sweep-1\""),
                Field.good("sweepId of a 256-char job", "\"sweepId\":\"" + LONG_JOB_SWEEP + "\""),
                Field.good("checkId", "\"checkId\":\"check-20261128T115950Z-0\""), Field.good("unknown field", "\"x\":[1,{\"y\":null}]"),
                Field.bad("sweepId empty", "\"sweepId\":\"\""), Field.good("sweepId 320", "\"sweepId\":\"" + "w".repeat(320) + "\""),
                Field.bad("sweepId 321", "\"sweepId\":\"" + "w".repeat(321) + "\""),
                Field.bad("checkId NUL", "\"checkId\":\"c\\u0000\""), Field.bad("checkId object", "\"checkId\":{}"),
                Field.bad("unknown nested 5,000", "\"x\":" + "[".repeat(5_000) + "]".repeat(5_000)));
        return Combinators.combine(alertIds, kinds, scripts, runIds, times, messages, batches).as((alertId, kind, script, runId, time,
                                                                                                  message, batch) -> {
            String derived = text(kind.json()) + ":" + text(runId.json());
            List<String> members = new ArrayList<>();
            add(members, "alertId", "=DERIVED".equals(alertId.json()) ? Json.string(derived) : alertId.json());
            add(members, "kind", kind.json());
            add(members, "scriptName", script.json());
            add(members, "runId", runId.json());
            add(members, "time", time.json());
            add(members, "message", message.json());
            if (batch.json() != null) {
                members.add(batch.json());
            }
            List<Field> fields = List.of(alertId, kind, script, runId, time, message, batch);
            return new FeedValue(String.join(", ", fields.stream().map(Field::label).toList()),
                    ("{" + String.join(",", members) + "}").getBytes(StandardCharsets.UTF_8), fields.stream().allMatch(Field::good));
        });
    }

    private static Arbitrary<Field> leaning(Field... fields) {
        List<Field> good = java.util.Arrays.stream(fields).filter(Field::good).toList();
        List<Field> bad = java.util.Arrays.stream(fields).filter(f -> !f.good()).toList();
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, Arbitraries.of(good)), net.jqwik.api.Tuple.of(1, Arbitraries.of(bad)));
    }

    private static String text(String json) {
        return json != null && json.startsWith("\"") ? Json.read(json, String.class) : String.valueOf(json);
    }

    private static void add(List<String> members, String name, String json) {
        if (json != null) {
            members.add("\"" + name + "\":" + json);
        }
    }
}
