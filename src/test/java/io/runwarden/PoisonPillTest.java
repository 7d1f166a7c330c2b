package io.runwarden;

import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.Topics;
import io.runwarden.model.RunRecord;
import io.runwarden.kafka.DeadLetterHandler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.runwarden.ServiceEndToEndTest.embedded;
import static io.runwarden.ServiceEndToEndTest.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A catalogue of bad records, each sent amid good traffic to the real service. */
@IntegrationTest
class PoisonPillTest {
    @TempDir
    Path dataDir;

    /** reason expected in the dead-letter headers → (key, value) */
    private static Map<String, List<Object[]>> catalogue() {
        Map<String, List<Object[]>> pills = new LinkedHashMap<>();
        add(pills, "not-json", "p1", bytes("<xml>not json</xml>"));
        add(pills, "not-json", "p2", new byte[]{(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0, 1, 2});
        add(pills, "not-json", "p3", bytes("{\"scriptName\":\"s\",\"event\":\"started\""));
        add(pills, "null-value", "p4", null);
        add(pills, "missing-key", null, bytes("{\"scriptName\":\"s\",\"event\":\"started\"}"));
        add(pills, "missing-key", "", bytes("{\"scriptName\":\"s\",\"event\":\"started\"}"));
        add(pills, "key-mismatch", "p7", bytes("{\"runId\":\"other\",\"scriptName\":\"s\",\"event\":\"started\"}"));
        add(pills, "missing-script-name", "p8", bytes("{\"event\":\"started\"}"));
        add(pills, "unknown-event", "p9", bytes("{\"scriptName\":\"s\",\"event\":\"exploded\"}"));
        add(pills, "unknown-status", "p10", bytes("{\"scriptName\":\"s\",\"status\":5}"));
        add(pills, "bad-time", "p11", bytes("{\"scriptName\":\"s\",\"event\":\"started\",\"time\":\"31/12/2025\"}"));
        add(pills, "bad-time", "p12", bytes("{\"scriptName\":\"s\",\"event\":\"started\",\"time\":123456789012345678901234567890}"));
        add(pills, "bad-max-runtime", "p13", bytes("{\"scriptName\":\"s\",\"event\":\"started\",\"maxRuntime\":\"forever\"}"));
        add(pills, "wrong-type", "p14", bytes("{\"scriptName\":[\"s\"],\"event\":\"started\"}"));
        add(pills, "wrong-type", "p15", bytes("{\"scriptName\":\"s\",\"event\":true}"));
        add(pills, "wrong-type", "p16", bytes("{\"scriptName\":\"s\",\"status\":1e999}"));
        add(pills, "not-an-object", "p17", bytes("\"just a string\""));
        add(pills, "missing-event", "p18", bytes("{}"));
        return pills;
    }

    @Test
    void everyBadRecordIsDeadLetteredWithItsReasonWhileGoodTrafficIsFullyApplied() {
        Map<String, List<Object[]>> pills = catalogue();
        int bad = pills.values().stream().mapToInt(List::size).sum();
        try (RunwardenService service = RunwardenService.start(embedded(dataDir));
             KafkaTestClient kafka = new KafkaTestClient(service.bootstrapServers())) {
            List<Object[]> all = new ArrayList<>();
            pills.values().forEach(all::addAll);
            int good = 0;
            for (Object[] pill : all) {
                for (int i = 0; i < 50; i++, good++) {
                    kafka.send(Topics.SCRIPT_EVENTS, "good-" + good, started("good-" + good, "good", Instant.now()));
                }
                kafka.send(Topics.SCRIPT_EVENTS, (String) pill[0], (byte[]) pill[1], new RecordHeaders());
            }
            // an oversized message is cut, not rejected
            kafka.send(Topics.SCRIPT_EVENTS, "big", "{\"scriptName\":\"s\",\"event\":\"started\",\"message\":\"" + "m".repeat(500_000) + "\"}");
            kafka.flush();
            int goodRuns = good;

            await().atMost(Patience.DRAIN).until(() -> kafka.readAll(Topics.SCRIPT_EVENTS_DLQ).size() >= bad
                    && kafka.latestRuns().keySet().stream().filter(k -> k.startsWith("good-")).count() == goodRuns);

            List<ConsumerRecord<String, byte[]>> dead = kafka.readAll(Topics.SCRIPT_EVENTS_DLQ);
            assertThat(dead).hasSize(bad);
            List<String> reasons = dead.stream().map(r -> header(r, DeadLetterHandler.REASON)).toList();
            List<String> expected = new ArrayList<>();
            pills.forEach((reason, records) -> records.forEach(r -> expected.add(reason)));
            assertThat(reasons).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(dead).allSatisfy(r -> assertThat(header(r, DeadLetterHandler.MESSAGE)).isNotBlank());
            Map<String, RunRecord> runs = kafka.latestRuns();
            assertThat(runs.get("big").message()).hasSize(8_192);
            assertThat(runs.keySet()).noneMatch(k -> k.startsWith("p"));
            assertThat(new HttpTestClient(service.httpPort(), null).get("/health").status())
                    .as("the streams still run").isEqualTo(200);
        }
    }

    private static void add(Map<String, List<Object[]>> pills, String reason, String key, byte[] value) {
        pills.computeIfAbsent(reason, r -> new ArrayList<>()).add(new Object[]{key, value});
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
