package io.runwarden.stream;

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
                Arguments.of("null-value", "r1", null),
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
                Arguments.of("wrong-type", "r1", utf8("{\"scriptName\":\"s\",\"status\":1e400}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void badEventGoesToDeadLetterTopicWithItsReasonAndTheStreamGoesOn(String reason, String key, byte[] value) {
        fixture.events.pipeInput(new TestRecord<>(key, value, new RecordHeaders(), NOW));
        fixture.started("good", "s", NOW);

        TestRecord<String, byte[]> dead = fixture.deadLetters.readRecord();
        assertThat(header(dead, DeadLetterHandler.REASON)).isEqualTo(reason);
        assertThat(header(dead, DeadLetterHandler.MESSAGE)).isNotBlank();
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
    void unknownControlRecordIsDeadLettered() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ControlRecords.HEADER, utf8("reboot-everything"));
        fixture.events.pipeInput(new TestRecord<>("x", utf8("{}"), headers, NOW));

        assertThat(header(fixture.deadLetters.readRecord(), DeadLetterHandler.REASON)).isEqualTo("unknown-control");
    }

    @org.junit.jupiter.api.Test
    void sweepRequestNotKeyedByItsIdOrUnreadableIsDeadLettered() {
        Headers control = ControlRecords.SWEEP_REQUEST.headers();
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
