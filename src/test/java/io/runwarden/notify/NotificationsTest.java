package io.runwarden.notify;

import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.runwarden.notify.Channels.TIME;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationsTest {

    @Test
    void eachNotificationHasADeterministicId() {
        Alert alert = Channels.alert(AlertKind.TIMEOUT, "backup", "run-old");
        UUID uuid = UUID.fromString("00000000-0000-4000-8000-000000000003");

        assertThat(new AlertNotification(alert).id()).isEqualTo("timeout:run-old");
        assertThat(Digest.of(List.of(Channels.swept("a", "r1", "sweep-1"))).id()).isEqualTo("digest:sweep-1");
        assertThat(new TestMessage("ops", uuid, Instant.EPOCH).id()).isEqualTo("test:ops:" + uuid);
        assertThat(TestMessage.of("ops", Instant.EPOCH).id()).startsWith("test:ops:").isNotEqualTo(TestMessage.of("ops", Instant.EPOCH).id());
    }

    @Test
    void aDigestCountsPerScriptAndKindAndListsTheFirstTenInOrder() {
        List<Alert> alerts = new ArrayList<>();
        String[] scripts = {"b", "a", "c", "a", "b", "a", "d", "a", "b", "c", "e", "a"};
        for (int i = 0; i < scripts.length; i++) {
            alerts.add(Alert.of(i % 3 == 0 ? AlertKind.MISSED : AlertKind.TIMEOUT, scripts[i], "run-" + i, TIME.plusSeconds(i),
                    "m", "sweep-1", null));
        }

        Digest digest = Digest.of(alerts);

        assertThat(digest.countsByScript()).containsExactly(entry("a", 5), entry("b", 3),
                entry("c", 2), entry("d", 1), entry("e", 1));
        assertThat(digest.countsByKind()).containsExactly(entry(AlertKind.TIMEOUT, 8), entry(AlertKind.MISSED, 4));
        assertThat(digest.listedRuns()).extracting(Alert::runId)
                .containsExactly("run-0", "run-1", "run-2", "run-3", "run-4", "run-5", "run-6", "run-7", "run-8", "run-9");
        assertThat(digest.unlistedRuns()).isEqualTo(2);
        assertThat(digest.fromSweep()).isTrue();
        assertThat(digest.time()).isEqualTo(TIME.plusSeconds(11));
    }

    @Test
    void aDigestHoldsTheAlertsOfOneBatchOnly() {
        assertThatThrownBy(() -> Digest.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Digest.of(List.of(Channels.swept("a", "r1", "sweep-1"), Channels.swept("a", "r2", "sweep-2"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Digest("sweep-1", null, List.of(Channels.alert(AlertKind.FAILED, "a", "r"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLongDigestNamesFiftyScriptsThenCountsTheRest() {
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            alerts.add(Channels.swept(String.format("job-%02d", i), "run-" + i, "sweep-1"));
        }

        String body = NotificationText.body(Digest.of(alerts), Markup.PLAIN);

        assertThat(body).contains("- job-49: 1").doesNotContain("job-50: 1").contains("- and 10 more scripts")
                .contains("First 10 runs:").contains("and 50 more runs");
    }

    @Test
    void outcomesHaveTheirWireNames() {
        assertThat(Json.string(DeliveryOutcome.delivered(204, null))).isEqualTo("{\"outcome\":\"delivered\",\"httpStatus\":204}");
        assertThat(Json.string(DeliveryOutcome.retry(429, "HTTP 429", Duration.ofSeconds(30))))
                .isEqualTo("{\"outcome\":\"retried\",\"httpStatus\":429,\"detail\":\"HTTP 429\",\"retryAfter\":\"PT30S\"}");
        assertThat(Json.read("{\"outcome\":\"failed\"}", DeliveryOutcome.class).outcome()).isEqualTo(DeliveryOutcome.Outcome.FAILED);
        assertThat(DeliveryOutcome.Outcome.fromWireName("RETRY")).isEmpty();
    }

    @Test
    void aDetailIsCutWithoutSplittingACharacter() {
        String detail = "x".repeat(DeliveryOutcome.MAX_DETAIL_CHARS - 1) + "\uD83D\uDE80 and more";

        assertThat(DeliveryOutcome.failed(null, detail).detail()).isEqualTo("x".repeat(DeliveryOutcome.MAX_DETAIL_CHARS - 1));
    }

    @Test
    void theAlertIdHeaderKeepsPrintableAsciiAndEncodesTheRest() {
        assertThat(AlertIdHeader.encode("timeout:run-old")).isEqualTo("timeout:run-old");
        assertThat(AlertIdHeader.encode("missed:backup@2026-11-30T03:00:00Z")).isEqualTo("missed:backup@2026-11-30T03:00:00Z");
        assertThat(AlertIdHeader.encode("failed:a b")).isEqualTo("failed:a%20b");
        assertThat(AlertIdHeader.encode("failed:%20")).isEqualTo("failed:%2520");
        assertThat(AlertIdHeader.encode("failed:\uD83D\uDE80")).isEqualTo("failed:%F0%9F%9A%80");
    }
}
