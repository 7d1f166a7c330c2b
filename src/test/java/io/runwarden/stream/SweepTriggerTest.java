package io.runwarden.stream;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.runwarden.stream.TopologyFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A control record's trigger must be "scheduled" or "manual" (docs/guarantees.md: an
 * unknown trigger is dead-lettered with reason bad-control), whatever JSON type it comes as: Jackson reads an enum
 * from its position too, and a trigger 1 once started a manual sweep.
 */
class SweepTriggerTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static RecordHeaders request() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("runwarden.control", utf8("sweep-request"));
        return headers;
    }

    @Test
    void aSweepRequestWithANumericTriggerIsDeadLetteredAndFailsNoRun() {
        for (String trigger : List.of("1", "0", "\"1\"", "\"0\"")) {
            try (TopologyFixture fixture = new TopologyFixture()) {
                fixture.started("stale", "s", NOW.minus(Duration.ofDays(4)));
                fixture.runs.readValuesToList();
                fixture.events.pipeInput(new TestRecord<>("s1",
                        utf8("{\"sweepId\":\"s1\",\"trigger\":" + trigger + ",\"asOf\":\"" + NOW + "\"}"), request(), NOW));

                assertThat(fixture.failures.readValuesToList().stream().map(v -> new String(v, StandardCharsets.UTF_8)))
                        .as("trigger " + trigger + ": no run may be failed").isEmpty();
                List<TestRecord<String, byte[]>> dead = fixture.deadLetters.readRecordsToList();
                assertThat(dead).as("trigger " + trigger + " is neither scheduled nor manual").hasSize(1);
                assertThat(header(dead.get(0), "runwarden.dlq.reason")).isEqualTo("bad-control");
            }
        }
    }

    @Test
    void anUnknownTriggerIsNamedInTheDeadLettersMessage() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.events.pipeInput(new TestRecord<>("s2",
                    utf8("{\"sweepId\":\"s2\",\"trigger\":\"reboot\",\"asOf\":\"" + NOW + "\"}"), request(), NOW));

            TestRecord<String, byte[]> dead = fixture.deadLetters.readRecord();
            assertThat(header(dead, "runwarden.dlq.reason")).isEqualTo("bad-control");
            assertThat(header(dead, "runwarden.dlq.message")).isEqualTo("'trigger 'reboot' is neither scheduled nor manual'");
        }
    }
}
