package io.runwarden.stream;

import io.runwarden.alerts.RunOutcome;
import io.runwarden.kafka.EventPartitions;
import io.runwarden.model.FailureReason;
import io.runwarden.model.Json;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs' ends go to the alert outcomes gathered a partition at a time: each record a JSON array of the outcomes of one
 * partition, in the order given, keyed by its first outcome's script, and no larger than a topic takes by default
 * however long the runs' messages are.
 */
class EmitterOutcomesTest {
    private static final int PARTITIONS = 6;
    private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    private final Emitter emitter = new Emitter(context, PARTITIONS);

    @Test
    void outcomesAreGatheredByTheirScriptsPartitionInTheirOrder() {
        List<RunOutcome> outcomes = IntStream.range(0, 300).mapToObj(i -> outcome(i, "script-" + (i % 40), "ok")).toList();

        emitter.toOutcomes(outcomes, 7);

        List<Record<String, Object>> records = records();
        assertThat(records).hasSizeLessThanOrEqualTo(PARTITIONS).allSatisfy(record -> {
            List<RunOutcome> gathered = read(record);
            assertThat(gathered.get(0).scriptName()).isEqualTo(record.key());
            assertThat(gathered).allSatisfy(outcome -> assertThat(EventPartitions.of(outcome.scriptName(), PARTITIONS))
                    .isEqualTo(EventPartitions.of(record.key(), PARTITIONS)));
            assertThat(gathered).isSortedAccordingTo((a, b) -> Integer.compare(number(a), number(b)));
            assertThat(record.timestamp()).isEqualTo(7);
        });
        assertThat(records.stream().mapToInt(record -> read(record).size()).sum()).isEqualTo(outcomes.size());
        assertThat(records.stream().flatMap(record -> read(record).stream())).containsExactlyInAnyOrderElementsOf(outcomes);
    }

    @Test
    void aPartitionsOutcomesSplitIntoRecordsATopicTakes() {
        String longest = "\u0001".repeat(8_192); // a run's longest message, every character escaped as \u0001
        List<RunOutcome> outcomes = IntStream.range(0, 100).mapToObj(i -> outcome(i, "one-script", longest)).toList();

        emitter.toOutcomes(outcomes, 7);

        List<Record<String, Object>> records = records();
        assertThat(records).hasSizeGreaterThan(1).allSatisfy(record -> assertThat(((byte[]) record.value()).length)
                .isLessThan(Emitter.OUTCOMES_MAX_BYTES + 60_000).isLessThan(1_000_000));
        assertThat(records.stream().flatMap(record -> read(record).stream())).containsExactlyElementsOf(outcomes);
    }

    @Test
    void noOutcomeNoRecord() {
        emitter.toOutcomes(List.of(), 7);

        assertThat(records()).isEmpty();
    }

    private List<Record<String, Object>> records() {
        return context.forwarded().stream().filter(f -> f.childName().filter(Emitter.OUTCOMES_SINK::equals).isPresent())
                .<Record<String, Object>>map(f -> new Record<>(f.record().key(), f.record().value(), f.record().timestamp()))
                .toList();
    }

    private static List<RunOutcome> read(Record<String, Object> record) {
        return Arrays.asList(Json.read((byte[]) record.value(), RunOutcome[].class));
    }

    private static int number(RunOutcome outcome) {
        return Integer.parseInt(outcome.runId().substring("run-".length()));
    }

    private static RunOutcome outcome(int i, String script, String message) {
        return new RunOutcome("run-" + i, script, i % 3 == 0 ? FailureReason.ERROR : null,
                Instant.parse("2026-11-28T10:00:00Z").plusSeconds(i), message, null, null);
    }
}
