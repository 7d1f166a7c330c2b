package io.runwarden.notify;

import io.runwarden.notify.DeliveryOutcome.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pages of the deliveries log: its cursors, what a query takes, and the summary each channel shows. */
class DeliveryPagesTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private static DeliveryAttempt attempt(String channel, String id, int attempt, Outcome outcome, Instant time) {
        return new DeliveryAttempt(channel, id, "failed", "backup", "run-1", null, null, attempt, outcome,
                outcome == Outcome.DELIVERED ? 200 : 503, "answer " + attempt, time, null);
    }

    @Test
    void aCursorHoldsTheSortKeyOfTheLastAttemptAndNothingElse() {
        DeliveryAttempt last = attempt("ops:\"east\"", "failed:run-1", 3, Outcome.RETRY, NOW.plusMillis(412));

        String cursor = DeliveryCursor.encode(last);
        DeliveryAttempt after = DeliveryCursor.decode(cursor);

        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(DeliveryLog.NEWEST_FIRST.compare(after, last)).isZero();
        assertThat(after.detail()).isNull();
        assertThat(DeliveryCursor.decode(null)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1:0000000001234567890:run-1", "d1:[1,2,3]", "d1:{}", "d1:[\"t\",\"c\",\"i\",1]",
            "d1:[1,\"c\",\"i\",1.5]", "d1:[1,\"c\",\"i\",1]x", "d1:[1,\"c\",\"i\"]", "d1:"})
    void anythingElseIsNoCursor(String text) {
        String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> new DeliveriesQuery(null, null, 10, cursor)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliveriesQuery(null, null, 10, "not base64!")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliveriesQuery(null, null, 10, "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aQueryTakesItsChannelAndScriptAndTheScriptsOfADigest() {
        DeliveryAttempt single = attempt("ops", "failed:run-1", 1, Outcome.DELIVERED, NOW);
        DeliveryAttempt digest = new DeliveryAttempt("ops", "digest:sweep-1", "digest", null, null, List.of("a", "backup"), 12,
                1, Outcome.DELIVERED, 200, "200", NOW, null);

        assertThat(new DeliveriesQuery(null, null, 1, null).matches(single)).isTrue();
        assertThat(new DeliveriesQuery("ops", "backup", 1, null).matches(single)).isTrue();
        assertThat(new DeliveriesQuery("other", null, 1, null).matches(single)).isFalse();
        assertThat(new DeliveriesQuery(null, "a", 1, null).matches(single)).isFalse();
        assertThat(new DeliveriesQuery(null, "a", 1, null).matches(digest)).isTrue();
        assertThat(new DeliveriesQuery("ops", "backup", 1, null).matches(digest)).isTrue();
    }

    @Test
    void aPageHasANextCursorOnlyWhenAnotherAttemptFollows() {
        List<DeliveryAttempt> found = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            found.add(attempt("ops", "failed:run-" + i, 1, Outcome.DELIVERED, NOW.minusSeconds(i)));
        }

        DeliveryPage full = DeliveryPage.of(found, 2);
        DeliveryPage last = DeliveryPage.of(found.subList(2, 3), 2);

        assertThat(full.deliveries()).containsExactlyElementsOf(found.subList(0, 2));
        assertThat(DeliveryCursor.decode(full.nextCursor()).notificationId()).isEqualTo("failed:run-1");
        assertThat(last.deliveries()).hasSize(1);
        assertThat(last.nextCursor()).isNull();
        assertThat(DeliveryPage.of(found.subList(0, 2), 2).nextCursor()).as("exactly a page: nothing follows").isNull();
    }

    @Test
    void aSummaryHasTheLastAttemptTheLastDeliveryAndTheFailuresAndRetriesOfTheLastDay() {
        List<DeliveryAttempt> newestFirst = List.of(
                attempt("ops", "failed:run-9", 2, Outcome.RETRY, NOW.minusSeconds(10)),
                attempt("mail", "missed:x", 1, Outcome.FAILED, NOW.minusSeconds(20)),
                attempt("ops", "failed:run-9", 1, Outcome.RETRY, NOW.minusSeconds(30)),
                attempt("ops", "failed:run-8", 1, Outcome.DELIVERED, NOW.minusSeconds(40)),
                attempt("ops", "failed:run-7", 1, Outcome.FAILED, NOW.minusSeconds(50)),
                attempt("ops", "failed:run-6", 4, Outcome.FAILED, NOW.minus(DeliverySummary.WINDOW).minusMillis(1)),
                attempt("ops", "failed:run-5", 1, Outcome.DELIVERED, NOW.minus(DeliverySummary.WINDOW).minusSeconds(60)));

        DeliverySummary ops = DeliverySummary.byChannel(newestFirst, NOW).get("ops");
        DeliverySummary mail = DeliverySummary.byChannel(newestFirst, NOW).get("mail");

        assertThat(ops).isEqualTo(new DeliverySummary(NOW.minusSeconds(40),
                new DeliverySummary.LastAttempt(NOW.minusSeconds(10), Outcome.RETRY, 503, "answer 2"), 1, 2));
        assertThat(mail.lastDelivered()).isNull();
        assertThat(mail.failedLast24h()).isOne();
        assertThat(DeliverySummary.byChannel(List.of(), NOW)).isEmpty();
    }
}
