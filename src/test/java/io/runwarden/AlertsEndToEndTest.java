package io.runwarden;

import io.runwarden.alerts.BatchDone;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.Json;
import io.runwarden.sweep.SweepResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Alerts on a real broker of six partitions, read as a downstream consumer reads them (read_committed): one per
 * fact, each once; and in the feed the notifier reads, a sweep's end on every partition behind its alerts there.
 */
@IntegrationTest
class AlertsEndToEndTest {
    private static final Instant NOW = Instant.now();
    private static final int STUCK = 300;

    @TempDir
    Path dataDir;

    @Test
    void aSweepOfHundredsOfTimeoutsAndAFailureThenASuccessGiveOneAlertPerFactAndTheSweepsEndOnEveryFeedPartition() throws Exception {
        try (RunwardenService service = RunwardenService.start(ServiceEndToEndTest.embedded(dataDir));
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
            for (int i = 0; i < STUCK; i++) {
                kafka.send(Topics.SCRIPT_EVENTS, "stuck-" + i, ServiceEndToEndTest.started("stuck-" + i, "nightly-" + i % 30,
                        NOW.minus(Duration.ofDays(4))));
            }
            kafka.send(Topics.SCRIPT_EVENTS, "flaky-1", ServiceEndToEndTest.started("flaky-1", "flaky", NOW.minusSeconds(60)));
            kafka.send(Topics.SCRIPT_EVENTS, "flaky-1", "{\"event\":\"failed\",\"time\":\"" + NOW.minusSeconds(50) + "\",\"message\":\"exit 3\"}");
            kafka.send(Topics.SCRIPT_EVENTS, "flaky-2", ServiceEndToEndTest.started("flaky-2", "flaky", NOW.minusSeconds(40)));
            kafka.send(Topics.SCRIPT_EVENTS, "flaky-2", "{\"event\":\"succeeded\",\"time\":\"" + NOW.minusSeconds(30) + "\"}");
            kafka.flush();
            await().atMost(Patience.APPLIED).until(() -> kafka.latestRuns().size() >= STUCK + 2);

            SweepResult sweep = service.sweeps().sweep(Patience.SWEEP);
            assertThat(sweep.totalLogsUpdated()).isEqualTo(STUCK);

            String feed = Topics.alertFeed("runwarden-test");
            await().atMost(Patience.APPLIED).until(() -> kafka.readAll(feed).stream().filter(AlertsEndToEndTest::isEnd).count() == 6);
            List<Alert> alerts = kafka.readAll(Topics.SCRIPT_ALERTS).stream().map(r -> {
                Alert alert = Json.read(r.value(), Alert.class);
                assertThat(r.key()).isEqualTo(alert.scriptName());
                return alert;
            }).toList();
            Map<String, Long> ids = alerts.stream().collect(Collectors.groupingBy(Alert::alertId, Collectors.counting()));
            assertThat(ids).as("one alert per fact, each once").hasSize(STUCK + 2).allSatisfy((id, count) -> assertThat(count).isOne());
            assertThat(ids).containsKeys("failed:flaky-1", "recovered:flaky-2", "timeout:stuck-0", "timeout:stuck-299");
            assertThat(alerts).filteredOn(a -> a.kind() == AlertKind.TIMEOUT).hasSize(STUCK)
                    .allSatisfy(a -> assertThat(a.sweepId()).isEqualTo(sweep.sweepId()));
            List<String> flaky = alerts.stream().filter(a -> a.scriptName().equals("flaky")).map(Alert::alertId).toList();
            assertThat(flaky).as("in the order the facts happened").containsExactly("failed:flaky-1", "recovered:flaky-2");

            // on every partition of the feed, the sweep's end comes after each of its alerts there
            Map<Integer, List<ConsumerRecord<String, byte[]>>> byPartition = kafka.readAll(feed).stream()
                    .collect(Collectors.groupingBy(ConsumerRecord::partition));
            assertThat(byPartition.keySet()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
            byPartition.forEach((partition, records) -> {
                List<ConsumerRecord<String, byte[]>> ends = records.stream().filter(AlertsEndToEndTest::isEnd).toList();
                assertThat(ends).as("ends on feed partition %d", partition).hasSize(1);
                assertThat(Json.read(ends.get(0).value(), BatchDone.class)).isEqualTo(new BatchDone(sweep.sweepId(), partition));
                long endOffset = ends.get(0).offset();
                assertThat(records).filteredOn(r -> !isEnd(r))
                        .filteredOn(r -> sweep.sweepId().equals(Json.read(r.value(), Alert.class).sweepId()))
                        .allSatisfy(r -> assertThat(r.offset()).isLessThan(endOffset));
            });
            long feedAlerts = byPartition.values().stream().flatMap(List::stream).filter(r -> !isEnd(r)).count();
            assertThat(feedAlerts).as("the feed carries every alert").isEqualTo(STUCK + 2);
            assertThat(alerts.stream().collect(Collectors.groupingBy(Alert::kind, Collectors.counting())))
                    .isEqualTo(Map.of(AlertKind.TIMEOUT, (long) STUCK, AlertKind.FAILED, 1L, AlertKind.RECOVERED, 1L));
            await().atMost(Patience.APPLIED).untilAsserted(() -> assertThat(ServiceEndToEndTest.lines(
                    ServiceEndToEndTest.scrapeMetrics(service))).contains("runwarden_alerts_total{kind=\"timeout\"} " + STUCK + ".0",
                    "runwarden_alerts_total{kind=\"failed\"} 1.0", "runwarden_alerts_total{kind=\"recovered\"} 1.0",
                    "runwarden_alerts_total{kind=\"missed\"} 0.0"));
        }
    }

    private static boolean isEnd(ConsumerRecord<String, byte[]> record) {
        return record.headers().lastHeader(BatchDone.HEADER) != null;
    }
}
