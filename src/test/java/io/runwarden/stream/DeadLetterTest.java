package io.runwarden.stream;

import io.runwarden.kafka.DeadLetterHandler;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.ControlRecord;

import io.runwarden.model.RunStatus;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

import static io.runwarden.stream.TopologyFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** Every kind of event that cannot be applied lands in the dead-letter topic with its reason; the stream goes on. */
class DeadLetterTest {
    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    static Stream<Arguments> badEvents() {
        return Stream.of(
                Arguments.of("not-json", "r1", utf8("this is not json")),
                Arguments.of("not-json", "r1", new byte[]{(byte) 0xff, 0x00, (byte) 0xfe, 0x13}),
                // two events in one value (NDJSON): the failure on the second line would vanish unread
                Arguments.of("not-json", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"started\"}\n{\"event\":\"failed\"}")),
                Arguments.of("not-json", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"started\"} garbage")),
                // a field given twice: which event was meant cannot be known
                Arguments.of("not-json", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"started\",\"event\":\"failed\"}")),
                Arguments.of("null-value", "r1", null),
                Arguments.of("missing-key", null, null),
                Arguments.of("missing-key", null, utf8("{\"scriptName\":\"s\",\"event\":\"started\"}")),
                Arguments.of("missing-key", " ", utf8("{\"scriptName\":\"s\",\"event\":\"started\"}")),
                Arguments.of("not-an-object", "r1", utf8("[1,2,3]")),
                Arguments.of("key-mismatch", "r1", utf8("{\"runId\":\"r2\",\"scriptName\":\"s\",\"event\":\"started\"}")),
                Arguments.of("missing-script-name", "r1", utf8("{\"event\":\"started\"}")),
                Arguments.of("missing-event", "r1", utf8("{\"scriptName\":\"s\"}")),
                Arguments.of("unknown-event", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"paused\"}")),
                Arguments.of("unknown-status", "r1", utf8("{\"scriptName\":\"s\",\"status\":7}")),
                Arguments.of("bad-time", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"started\",\"time\":\"yesterday\"}")),
                Arguments.of("bad-max-runtime", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"started\",\"maxRuntime\":\"3 days\"}")),
                Arguments.of("bad-max-runtime", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"started\",\"maxRuntime\":\"-PT1H\"}")),
                Arguments.of("wrong-type", "r1", utf8("{\"scriptName\":42,\"event\":\"started\"}")),
                Arguments.of("wrong-type", "r1", utf8("{\"scriptName\":\"s\",\"status\":1e400}")),
                // beyond the bounds: each once stopped the streams with an overflow, or wrote a record too large
                Arguments.of("bad-time", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"started\",\"time\":\"+300000000-01-01T00:00:00Z\"}")),
                Arguments.of("bad-time", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"started\",\"time\":9223372036854775000}")),
                Arguments.of("bad-time", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"started\",\"time\":-1}")),
                Arguments.of("bad-time", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"started\",\"time\":\"1969-12-31T23:59:59Z\"}")),
                Arguments.of("bad-max-runtime", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"started\",\"maxRuntime\":\"PT9223372036854775807S\"}")),
                Arguments.of("bad-max-runtime", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"started\",\"maxRuntime\":\"P3651D\"}")),
                Arguments.of("bad-max-runtime", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"started\",\"maxRuntime\":\"PT0.5S\"}")),
                Arguments.of("bad-run-id", "x".repeat(600_000), utf8("{\"scriptName\":\"s\",\"event\":\"started\"}")),
                Arguments.of("bad-run-id", "r\u0000", utf8("{\"scriptName\":\"s\",\"event\":\"started\"}")),
                // what the key deserializer makes of bytes that are not UTF-8
                Arguments.of("bad-run-id", "r\uFFFD", utf8("{\"scriptName\":\"s\",\"event\":\"started\"}")),
                Arguments.of("bad-script-name", "r1", utf8("{\"scriptName\":\"s\\u0000x\",\"event\":\"started\"}")),
                Arguments.of("bad-script-name", "r1", utf8("{\"scriptName\":\"s\\ud800\",\"event\":\"started\"}")),
                Arguments.of("bad-script-name", "r1", utf8("{\"scriptName\":\"line\\nforged\",\"event\":\"started\"}")),
                Arguments.of("bad-script-name", "r1", utf8("{\"scriptName\":\"" + "s".repeat(257) + "\",\"event\":\"started\"}")),
                Arguments.of("unknown-event", "r1", utf8("{\"scriptName\":\"s\",\"event\":\"" + "e".repeat(600_000) + "\"}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void badEventGoesToDeadLetterTopicWithItsReasonAndTheStreamGoesOn(String reason, String key, byte[] value) {
        fixture.events.pipeInput(new TestRecord<>(key, value, new RecordHeaders(), NOW));
        fixture.started("good", "s", NOW);

        TestRecord<String, byte[]> dead = fixture.deadLetters.readRecord();
        assertThat(header(dead, DeadLetterHandler.REASON)).isEqualTo(reason);
        assertThat(header(dead, DeadLetterHandler.MESSAGE)).isNotBlank().hasSizeLessThan(1_024).doesNotContain("\n", "\u0000");
        assertThat(header(dead, DeadLetterHandler.SOURCE_TOPIC)).isEqualTo("script-events");
        assertThat(dead.key()).isEqualTo(key);
        assertThat(dead.value()).isEqualTo(value);
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
        assertThat(fixture.meters.get(RunwardenMeters.DEAD_LETTERS).tag("reason", reason).counter().count()).isEqualTo(1.0);
        assertThat(fixture.run("good").status()).isEqualTo(RunStatus.IN_PROGRESS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void badEventChangesNoRun(String reason, String key, byte[] value) {
        fixture.events.pipeInput(new TestRecord<>(key, value, new RecordHeaders(), NOW));

        assertThat(fixture.runs.isEmpty()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void oversizedMessageIsCutNotRejected() {
        String huge = "x".repeat(100_000);
        fixture.send("r1", "{\"scriptName\":\"s\",\"event\":\"started\",\"message\":\"" + huge + "\"}");

        assertThat(fixture.run("r1").message()).hasSize(io.runwarden.model.Bounds.MAX_MESSAGE_CHARS);
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void messageCutAtTheBoundKeepsSurrogatePairsWholeAndReplacesLoneOnes() {
        String pairAcrossTheCut = "x".repeat(io.runwarden.model.Bounds.MAX_MESSAGE_CHARS - 1) + "\uD83D\uDE00";
        fixture.send("r1", "{\"scriptName\":\"s\",\"event\":\"started\",\"message\":\"" + pairAcrossTheCut + "\"}");
        fixture.send("r2", "{\"scriptName\":\"s\",\"event\":\"started\",\"message\":\"a\\ud800b\"}");

        assertThat(fixture.run("r1").message()).hasSize(io.runwarden.model.Bounds.MAX_MESSAGE_CHARS - 1);
        assertThat(fixture.run("r2").message()).isEqualTo("a\uFFFDb");
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void startAtTheLastInstantWithTheLongestRuntimeNeverTimesOutAndStaysReadable() {
        fixture.send("r1", "{\"scriptName\":\"s\",\"event\":\"started\",\"time\":\"9999-12-31T23:59:59Z\",\"maxRuntime\":\"P3650D\"}");

        assertThat(fixture.run("r1").deadline()).isEqualTo(io.runwarden.model.Bounds.MAX_INSTANT);
        assertThat(fixture.sweep(NOW).totalLogsUpdated()).isZero();
        fixture.started("good", "s", NOW);
        assertThat(fixture.run("good").status()).isEqualTo(RunStatus.IN_PROGRESS);
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void hostileSweepRecordsAreDeadLetteredAndCompleteNothing() {
        String asOf = "\"asOf\":\"2026-11-28T12:00:00Z\"";
        fixture.events.pipeInput(new TestRecord<>("s1", utf8("{\"sweepId\":\"s1\",\"trigger\":\"manual\",\"asOf\":\"+300000000-01-01T00:00:00Z\"}"),
                ControlRecord.SWEEP_REQUEST.headers(), NOW));
        fixture.events.pipeInput(new TestRecord<>("s2", utf8("{\"sweepId\":\"s2\",\"trigger\":\"reboot\"," + asOf + "}"),
                ControlRecord.SWEEP_REQUEST.headers(), NOW));
        fixture.events.pipeInput(new TestRecord<>("s3", utf8("{\"sweepId\":\"s3\",\"partition\":99,\"failed\":1,\"scriptNames\":[],\"entriesExamined\":1}"),
                ControlRecord.SWEEP_PART.headers(), NOW));
        fixture.events.pipeInput(new TestRecord<>("s4", utf8("{\"request\":{\"sweepId\":\"s4\",\"trigger\":\"manual\"," + asOf
                        + "},\"soFar\":{\"sweepId\":\"s4\",\"partition\":5,\"failed\":0,\"scriptNames\":[],\"entriesExamined\":0}}"),
                ControlRecord.SWEEP_CONTINUE.headers(), NOW));
        fixture.events.pipeInput(new TestRecord<>("s5", utf8("{\"sweepId\":\"" + "s".repeat(600_000) + "\",\"trigger\":\"manual\"," + asOf + "}"),
                ControlRecord.SWEEP_MARKER.headers(), NOW));
        // a part listing 500 KB of names: its home would keep it, with the others, in one record of its changelog
        String names = "\"" + String.join("\",\"", java.util.Collections.nCopies(2_000, "n".repeat(250))) + "\"";
        fixture.events.pipeInput(new TestRecord<>("s6", utf8("{\"sweepId\":\"s6\",\"partition\":0,\"failed\":1,\"scriptNames\":["
                + names + "],\"entriesExamined\":1}"), ControlRecord.SWEEP_PART.headers(), NOW));

        assertThat(fixture.deadLetters.readRecordsToList()).extracting(r -> header(r, DeadLetterHandler.REASON))
                .containsExactly("bad-control", "bad-control", "bad-control", "bad-control", "bad-control", "bad-control");
        assertThat(fixture.sweeps().approximateNumEntries()).isZero();
        fixture.started("good", "s", NOW);
        assertThat(fixture.run("good").status()).isEqualTo(RunStatus.IN_PROGRESS);
    }

    /**
     * A sweep as of tomorrow would fail today's runs before their deadline, a false alarm; refused, it would leave
     * the partitions of an instance whose clock lags unswept, every alarm of theirs missed. Each partition sweeps as of
     * its own clock instead.
     */
    @org.junit.jupiter.api.Test
    void sweepAsOfFarAheadOfTheClockFailsOnlyTheRunsDueByTheClock() {
        fixture.started("due-now", "s", NOW.minus(Duration.ofDays(4)));
        fixture.started("due-tomorrow", "s", NOW.minus(Duration.ofDays(2)));
        String tomorrow = "\"asOf\":\"" + NOW.plus(Duration.ofDays(1)) + "\"";
        fixture.events.pipeInput(new TestRecord<>("s6", utf8("{\"sweepId\":\"s6\",\"trigger\":\"manual\"," + tomorrow + "}"),
                ControlRecord.SWEEP_REQUEST.headers(), NOW));
        fixture.events.pipeInput(new TestRecord<>("s7", utf8("{\"sweepId\":\"s7\",\"trigger\":\"manual\"," + tomorrow + "}"),
                ControlRecord.SWEEP_MARKER.headers(), NOW));
        fixture.writeSweeps();

        assertThat(fixture.deadLetters.isEmpty()).isTrue();
        assertThat(fixture.sweepResult("s6").totalLogsUpdated()).isEqualTo(1);
        // the driver's wall clock, NOW and the few milliseconds its ticks moved it on
        assertThat(fixture.sweepResult("s6").thresholdDate())
                .isBetween(NOW.minus(Duration.ofDays(3)), NOW.minus(Duration.ofDays(3)).plusSeconds(1));
        assertThat(fixture.run("due-now").status()).isEqualTo(RunStatus.FAILED);
        assertThat(fixture.run("due-now").endTime()).isBetween(NOW, NOW.plusSeconds(1));
        assertThat(fixture.run("due-tomorrow").status()).isEqualTo(RunStatus.IN_PROGRESS);
    }

    @org.junit.jupiter.api.Test
    void unknownControlRecordIsDeadLettered() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ControlRecord.HEADER, utf8("reboot-everything"));
        fixture.events.pipeInput(new TestRecord<>("x", utf8("{}"), headers, NOW));

        assertThat(header(fixture.deadLetters.readRecord(), DeadLetterHandler.REASON)).isEqualTo("unknown-control");
    }

    @org.junit.jupiter.api.Test
    void sweepRequestNotKeyedByItsIdOrUnreadableIsDeadLettered() {
        Headers control = ControlRecord.SWEEP_REQUEST.headers();
        fixture.events.pipeInput(new TestRecord<>("other-key",
                utf8("{\"sweepId\":\"s1\",\"trigger\":\"manual\",\"asOf\":\"2026-11-28T12:00:00Z\"}"), control, NOW));
        fixture.events.pipeInput(new TestRecord<>("s2",
                utf8("{\"sweepId\":\"s2\",\"trigger\":\"manual\",\"asOf\":\"noon\"}"), control, NOW));

        assertThat(fixture.deadLetters.readRecordsToList()).extracting(r -> header(r, DeadLetterHandler.REASON))
                .containsExactly("bad-control", "bad-control");
        assertThat(fixture.sweeps().approximateNumEntries()).isZero();
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
