package io.runwarden.notify;

import io.runwarden.model.AlertKind;
import io.runwarden.model.InvalidFieldException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static io.runwarden.notify.Channels.alert;
import static io.runwarden.notify.Channels.email;
import static io.runwarden.notify.Channels.pagerduty;
import static io.runwarden.notify.Channels.routed;
import static io.runwarden.notify.Channels.slack;
import static io.runwarden.notify.Channels.webhook;
import static io.runwarden.notify.ChannelRules.MASK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ChannelRulesTest {
    private static final String SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX";
    private static final String SECRET = "s3cr3t-value";
    private static final String KEY = "R0UT1NGKEY0123456789abcdefABCDEF";

    @Test
    void aCheckedChannelHasItsDefaults() {
        Channel hook = ChannelRules.checked("ops-hook", webhook("https://hooks.example.com/runwarden", SECRET));

        assertThat(hook.name()).isEqualTo("ops-hook");
        assertThat(hook.scripts()).containsExactly("*");
        assertThat(hook.kinds()).containsExactly(AlertKind.FAILED, AlertKind.TIMEOUT, AlertKind.MISSED, AlertKind.RECOVERED);
        assertThat(hook.enabled()).isTrue();
        assertThat(hook.createdAt()).isNull();
        assertThat(ChannelRules.checked("pd", pagerduty(KEY, null)).url()).isEqualTo("https://events.pagerduty.com/v2/enqueue");
    }

    @Test
    void aCheckedChannelKeepsWhatItWasGiven() {
        Channel given = new Channel("ops-slack", ChannelType.SLACK, SLACK_URL, null, null, null,
                List.of("synchro*", "backup"), List.of(AlertKind.MISSED), false, Instant.parse("2026-11-30T10:00:00Z"));

        assertThat(ChannelRules.checked("ops-slack", given)).isEqualTo(given);
        assertThat(ChannelRules.checked("mail", email(List.of("ops@example.com", "Ops Team <team@example.org>"))).to())
                .containsExactly("ops@example.com", "Ops Team <team@example.org>");
        assertThat(ChannelRules.checked("pd", pagerduty(KEY, "http://127.0.0.1:8080/v2/enqueue")).url())
                .isEqualTo("http://127.0.0.1:8080/v2/enqueue");
        assertThat(ChannelRules.checked("v6", webhook("http://[::1]:8080/hook?team=ops", null)).url())
                .isEqualTo("http://[::1]:8080/hook?team=ops");
    }

    static Stream<Arguments> refusals() {
        String hook = "https://hooks.example.com/x";
        return Stream.of(
                // name
                Arguments.of("", webhook(hook, null), "name"),
                Arguments.of("a\nb", webhook(hook, null), "name"),
                Arguments.of("x".repeat(257), webhook(hook, null), "name"),
                Arguments.of("ops", new Channel("other", ChannelType.WEBHOOK, hook, null, null, null, null, null, null, null), "name"),
                // type
                Arguments.of("ops", new Channel(null, null, hook, null, null, null, null, null, null, null), "type"),
                // url
                Arguments.of("ops", webhook(null, null), "url"),
                Arguments.of("ops", slack(null), "url"),
                Arguments.of("ops", webhook("ftp://hooks.example.com/x", null), "url"),
                Arguments.of("ops", webhook("file:///etc/passwd", null), "url"),
                Arguments.of("ops", webhook("/relative/path", null), "url"),
                Arguments.of("ops", webhook("https://", null), "url"),
                Arguments.of("ops", webhook("https://user:pw@hooks.example.com/x", null), "url"),
                Arguments.of("ops", webhook("https://hooks.slack.com@evil.example/x", null), "url"),
                Arguments.of("ops", webhook("https://hooks.example.com/x#part", null), "url"),
                Arguments.of("ops", webhook("https://hooks.example.com/a b", null), "url"),
                Arguments.of("ops", webhook("https://hooks.example.com/a\r\nX-Injected: 1", null), "url"),
                Arguments.of("ops", webhook("https://hooks.example.com/" + "x".repeat(2_030), null), "url"),
                Arguments.of("ops", webhook("https://hooks example.com/", null), "url"),
                Arguments.of("ops", webhook("https://hooks.example.com:99999/x", null), "url"),
                Arguments.of("ops", webhook("https://hooks.example.com:0/x", null), "url"),
                Arguments.of("ops", webhook("https://under_score.example.com/x", null), "url"),
                Arguments.of("ops", webhook(MASK, null), "url"),
                Arguments.of("ops", new Channel(null, ChannelType.EMAIL, hook, null, List.of("a@example.com"), null, null, null, null, null), "url"),
                // secret
                Arguments.of("ops", webhook(hook, ""), "secret"),
                Arguments.of("ops", webhook(hook, "x".repeat(257)), "secret"),
                Arguments.of("ops", webhook(hook, "line\nbreak"), "secret"),
                Arguments.of("ops", webhook(hook, MASK), "secret"),
                Arguments.of("ops", new Channel(null, ChannelType.SLACK, SLACK_URL, SECRET, null, null, null, null, null, null), "secret"),
                // to
                Arguments.of("ops", email(null), "to"),
                Arguments.of("ops", email(List.of()), "to"),
                Arguments.of("ops", email(Collections.nCopies(51, "ops@example.com")), "to"),
                Arguments.of("ops", email(List.of("not-an-address")), "to"),
                Arguments.of("ops", email(List.of("a@example.com, b@example.com")), "to"),
                Arguments.of("ops", email(List.of("team: a@example.com, b@example.com;")), "to"),
                Arguments.of("ops", email(List.of("a@example.com\r\nBcc: victim@example.com")), "to"),
                Arguments.of("ops", email(List.of("x".repeat(310) + "@example.com")), "to"),
                Arguments.of("ops", email(Arrays.asList("ops@example.com", null)), "to"),
                Arguments.of("ops", new Channel(null, ChannelType.WEBHOOK, hook, null, List.of("a@example.com"), null, null, null, null, null), "to"),
                // routingKey
                Arguments.of("ops", pagerduty(null, null), "routingKey"),
                Arguments.of("ops", pagerduty("", null), "routingKey"),
                Arguments.of("ops", pagerduty("k".repeat(65), null), "routingKey"),
                Arguments.of("ops", pagerduty("has space", null), "routingKey"),
                Arguments.of("ops", pagerduty("clé", null), "routingKey"),
                Arguments.of("ops", pagerduty(MASK, null), "routingKey"),
                Arguments.of("ops", new Channel(null, ChannelType.WEBHOOK, hook, null, null, KEY, null, null, null, null), "routingKey"),
                // pagerduty's optional url is still a URL
                Arguments.of("ops", pagerduty(KEY, "javascript:alert(1)"), "url"),
                // scripts
                Arguments.of("ops", routed(List.of(), null, null), "scripts"),
                Arguments.of("ops", routed(Collections.nCopies(101, "a*"), null, null), "scripts"),
                Arguments.of("ops", routed(List.of("x".repeat(257)), null, null), "scripts"),
                Arguments.of("ops", routed(List.of(""), null, null), "scripts"),
                Arguments.of("ops", routed(List.of("a\u0000b"), null, null), "scripts"),
                Arguments.of("ops", routed(Arrays.asList("a*", null), null, null), "scripts"),
                // kinds
                Arguments.of("ops", routed(null, List.of(), null), "kinds"),
                Arguments.of("ops", routed(null, List.of(AlertKind.FAILED, AlertKind.FAILED), null), "kinds"),
                Arguments.of("ops", routed(null, Arrays.asList(AlertKind.FAILED, null), null), "kinds"),
                // createdAt
                Arguments.of("ops", routed(null, null, null).withCreatedAt(Instant.parse("1969-12-31T23:59:59Z")), "createdAt"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void everyRefusalNamesItsField(String name, Channel channel, String field) {
        InvalidFieldException refused = catchThrowableOfType(InvalidFieldException.class, () -> ChannelRules.checked(name, channel));

        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.field()).isEqualTo(field);
        assertThat(refused.getMessage()).isNotBlank();
    }

    @Test
    void noRefusalQuotesACredential() {
        List<Channel> bad = List.of(
                webhook("https://user:" + SECRET + "@hooks.example.com/x", null),
                webhook(SLACK_URL + " ", null),
                webhook(SLACK_URL + "#" + SECRET, null),
                webhook("https://hooks.example.com/x", SECRET + "\n"),
                webhook("https://hooks.example.com/x", SECRET.repeat(30)),
                pagerduty(KEY + " ", null),
                pagerduty(KEY.repeat(3), null));

        for (Channel channel : bad) {
            InvalidFieldException refused = catchThrowableOfType(InvalidFieldException.class, () -> ChannelRules.checked("ops", channel));
            assertThat(refused.getMessage()).doesNotContain(SECRET).doesNotContain(KEY).doesNotContain("XXXXSECRETXXXX");
        }
    }

    @Test
    void maskingHidesTheSecretTheRoutingKeyAndASlackUrlOnly() {
        Channel hook = ChannelRules.checked("hook", webhook("https://hooks.example.com/x", SECRET));
        Channel chat = ChannelRules.checked("chat", slack(SLACK_URL));
        Channel pd = ChannelRules.checked("pd", pagerduty(KEY, null));
        Channel mail = ChannelRules.checked("mail", email(List.of("ops@example.com")));

        assertThat(ChannelRules.masked(hook).secret()).isEqualTo(MASK);
        assertThat(ChannelRules.masked(hook).url()).isEqualTo("https://hooks.example.com/x");
        assertThat(ChannelRules.masked(chat).url()).isEqualTo(MASK);
        assertThat(ChannelRules.masked(pd).routingKey()).isEqualTo(MASK);
        assertThat(ChannelRules.masked(pd).url()).isEqualTo(ChannelRules.PAGERDUTY_EVENTS_URL);
        assertThat(ChannelRules.masked(mail)).isEqualTo(mail);
        assertThat(ChannelRules.masked(ChannelRules.checked("plain", webhook("https://hooks.example.com/x", null))).secret()).isNull();
    }

    @Test
    void noToStringShowsACredential() {
        assertThat(webhook(SLACK_URL, SECRET).toString()).doesNotContain(SECRET).doesNotContain("XXXXSECRETXXXX");
        assertThat(pagerduty(KEY, null).toString()).doesNotContain(KEY);
    }

    @Test
    void aMaskSentBackKeepsTheStoredValue() {
        Instant created = Instant.parse("2026-11-01T00:00:00Z");
        Channel stored = ChannelRules.checked("chat", slack(SLACK_URL)).withCreatedAt(created);
        Channel incoming = new Channel("chat", ChannelType.SLACK, MASK, null, null, null, List.of("backup"), null, null, null);

        Channel merged = ChannelRules.checked("chat", ChannelRules.merged(stored, incoming));

        assertThat(merged.url()).isEqualTo(SLACK_URL);
        assertThat(merged.scripts()).containsExactly("backup");
        assertThat(merged.createdAt()).isEqualTo(created);

        Channel storedHook = ChannelRules.checked("hook", webhook("https://hooks.example.com/x", SECRET));
        assertThat(ChannelRules.merged(storedHook, webhook("https://hooks.example.com/x", MASK)).secret()).isEqualTo(SECRET);
        // a receiver moved keeps its secret: only signatures go to the new URL
        assertThat(ChannelRules.merged(storedHook, webhook("https://hooks.example.com/y", MASK)).secret()).isEqualTo(SECRET);
        Channel storedPd = ChannelRules.checked("pd", pagerduty(KEY, null));
        assertThat(ChannelRules.merged(storedPd, pagerduty(MASK, null)).routingKey()).isEqualTo(KEY);
        // PagerDuty's endpoint named or left out is the same destination
        assertThat(ChannelRules.merged(storedPd, pagerduty(MASK, ChannelRules.PAGERDUTY_EVENTS_URL)).routingKey()).isEqualTo(KEY);
    }

    /**
     * A masked routing key kept onto a new URL would be sent there by the next test: whoever may write channels, but
     * not read them, could point a channel at a server of theirs and collect the key.
     */
    @Test
    void aMaskKeepsARoutingKeyOnlyForTheURLItWasGivenWith() {
        String attacker = "http://127.0.0.1:18301/attacker";
        Channel storedPd = ChannelRules.checked("pd", pagerduty(KEY, null));
        Channel storedOwnPd = ChannelRules.checked("pd", pagerduty(KEY, "https://pd-proxy.example.com/v2/enqueue"));

        for (Runnable put : List.<Runnable>of(
                () -> ChannelRules.merged(storedPd, pagerduty(MASK, attacker)),
                () -> ChannelRules.merged(storedOwnPd, pagerduty(MASK, attacker)),
                () -> ChannelRules.merged(storedOwnPd, pagerduty(MASK, null)))) { // now PagerDuty's own endpoint
            assertThatThrownBy(put::run).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
                assertThat(e.field()).isEqualTo("routingKey");
                assertThat(e.getMessage()).contains("url changed").contains("send the routingKey itself again")
                        .doesNotContain(attacker).doesNotContain(KEY);
            });
        }
        // the value itself, sent again, goes with the new URL
        assertThat(ChannelRules.merged(storedPd, pagerduty("NEWKEY", attacker)).routingKey()).isEqualTo("NEWKEY");
    }

    @Test
    void aPutReplacesTheChannel() {
        Channel stored = ChannelRules.checked("hook", webhook("https://hooks.example.com/x", SECRET));

        Channel merged = ChannelRules.merged(stored, webhook("https://hooks.example.com/y", "new-secret"));
        assertThat(merged.url()).isEqualTo("https://hooks.example.com/y");
        assertThat(merged.secret()).isEqualTo("new-secret");
        // a field left out is gone, not kept
        assertThat(ChannelRules.merged(stored, webhook("https://hooks.example.com/x", null)).secret()).isNull();
        assertThat(ChannelRules.merged(null, webhook("https://hooks.example.com/x", null)).createdAt()).isNull();
    }

    /** A Slack URL is masked because its path is the credential: kept through the mask onto a webhook, it would show. */
    @Test
    void aSlackUrlsMaskKeepsItOnlyOnASlackChannel() {
        Channel stored = ChannelRules.checked("chat", slack(SLACK_URL));

        assertThatThrownBy(() -> ChannelRules.merged(stored, webhook(MASK, null)))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("url"));
        assertThatThrownBy(() -> ChannelRules.merged(stored, new Channel("chat", ChannelType.PAGERDUTY, MASK, null,
                null, KEY, null, null, null, null)))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("url"));
        assertThat(ChannelRules.merged(stored, slack(MASK)).url()).isEqualTo(SLACK_URL);
    }

    @Test
    void aMaskWithNothingStoredIsRefusedNamingTheField() {
        assertThatThrownBy(() -> ChannelRules.merged(null, slack(MASK)))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("url"));
        assertThatThrownBy(() -> ChannelRules.merged(null, webhook("https://hooks.example.com/x", MASK)))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("secret"));
        Channel storedWithoutSecret = ChannelRules.checked("hook", webhook("https://hooks.example.com/x", null));
        assertThatThrownBy(() -> ChannelRules.merged(storedWithoutSecret, webhook("https://hooks.example.com/x", MASK)))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("secret"));
        assertThatThrownBy(() -> ChannelRules.merged(null, pagerduty(MASK, null)))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("routingKey"));
    }

    @Test
    void aChannelTakesItsKindsAndScriptsWhileEnabled() {
        Channel some = routed(List.of("synchro*", "backup"), List.of(AlertKind.TIMEOUT, AlertKind.MISSED), true);

        assertThat(ChannelRules.routes(some, alert(AlertKind.TIMEOUT, "synchroFacture", "r1"))).isTrue();
        assertThat(ChannelRules.routes(some, alert(AlertKind.MISSED, "backup", "r1"))).isTrue();
        assertThat(ChannelRules.routes(some, alert(AlertKind.FAILED, "backup", "r1"))).isFalse();
        assertThat(ChannelRules.routes(some, alert(AlertKind.TIMEOUT, "backups", "r1"))).isFalse();
        assertThat(ChannelRules.routes(some, alert(AlertKind.TIMEOUT, "mysynchro", "r1"))).isFalse();

        Channel disabled = routed(null, null, false);
        assertThat(ChannelRules.routes(disabled, alert(AlertKind.FAILED, "backup", "r1"))).isFalse();
        Channel all = ChannelRules.checked("ops", routed(null, null, null));
        for (AlertKind kind : AlertKind.values()) {
            assertThat(ChannelRules.routes(all, alert(kind, "anything at all", "r1"))).isTrue();
        }
    }

    @Test
    void globsMatchStarsAndQuestionMarksOnly() {
        assertThat(Glob.matches("synchro*", "synchro")).isTrue();
        assertThat(Glob.matches("synchro*", "synchroFacture")).isTrue();
        assertThat(Glob.matches("synchro*", "Synchro")).isFalse();
        assertThat(Glob.matches("a?c", "abc")).isTrue();
        assertThat(Glob.matches("a?c", "ac")).isFalse();
        assertThat(Glob.matches("a?c", "abbc")).isFalse();
        assertThat(Glob.matches("*-nightly", "db-nightly")).isTrue();
        assertThat(Glob.matches("*-nightly", "db-nightly-2")).isFalse();
        assertThat(Glob.matches("a*b*c", "a-x-b-y-c")).isTrue();
        assertThat(Glob.matches("a*b*c", "a-x-c-y-b")).isFalse();
        assertThat(Glob.matches("*", "")).isTrue();
        assertThat(Glob.matches("**", "anything")).isTrue();
        // one '?' is one character, even above U+FFFF
        assertThat(Glob.matches("run ?", "run \uD83D\uDE80")).isTrue();
        assertThat(Glob.matches("run ??", "run \uD83D\uDE80")).isFalse();
    }

    @Test
    void regexCharactersInAGlobAreLiterals() {
        assertThat(Glob.matches("back.up", "back.up")).isTrue();
        assertThat(Glob.matches("back.up", "backXup")).isFalse();
        assertThat(Glob.matches("a(b", "a(b")).isTrue();
        assertThat(Glob.matches("[ab]", "a")).isFalse();
        assertThat(Glob.matches("[ab]", "[ab]")).isTrue();
        assertThat(Glob.matches("a+", "aa")).isFalse();
        assertThat(Glob.matches("^x$", "^x$")).isTrue();
        assertThat(Glob.matches(".*", "anything")).isFalse();
        assertThat(Glob.matches("\\d", "\\d")).isTrue();
        // a channel built from such patterns is accepted and routes literally
        Channel literal = ChannelRules.checked("ops", routed(List.of("job(1).[prod]"), null, null));
        assertThat(ChannelRules.routes(literal, alert(AlertKind.FAILED, "job(1).[prod]", "r"))).isTrue();
        assertThat(ChannelRules.routes(literal, alert(AlertKind.FAILED, "job1X[prod]", "r"))).isFalse();
    }

    @Test
    void noPatternMakesMatchingSlow() {
        String pattern = "*a".repeat(127) + "b";
        String name = "a".repeat(256);
        List<String> patterns = new ArrayList<>(Collections.nCopies(100, pattern));
        Channel worst = ChannelRules.checked("ops", routed(patterns, null, null));

        long start = System.nanoTime();
        assertThat(ChannelRules.routes(worst, alert(AlertKind.FAILED, name, "r"))).isFalse();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
    }

    @Test
    void pagerDutyTakesNoDigests() {
        assertThat(ChannelType.PAGERDUTY.digests()).isFalse();
        assertThat(ChannelType.WEBHOOK.digests()).isTrue();
        assertThat(ChannelType.SLACK.digests()).isTrue();
        assertThat(ChannelType.EMAIL.digests()).isTrue();
    }
}
