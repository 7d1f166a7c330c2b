package io.runwarden.model;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A logs page answers with the stored bytes of its runs: they must be the API's JSON of each, whatever its message. */
class RunJsonProperties {
    private static final Instant START = Instant.parse("2026-11-30T10:00:00.123Z");

    @Property(tries = 1_000)
    void theAnswerIsTheRunsJsonWhateverItsMessage(@ForAll("messages") String message, @ForAll("ends") Instant endRecorded,
                                                  @ForAll RunStatus status) {
        RunRecord run = RunRecord.builder("r-1").scriptName("backup").status(status).startTime(START).message(message)
                .lateCompletion(new LateCompletion(RunStatus.SUCCESS, START, "\"status\":0," + message))
                .endRecorded(endRecorded).build();
        byte[] stored = RunJson.stored(Json.bytes(run), endRecorded);

        assertThat(new String(RunJson.answered(stored), StandardCharsets.UTF_8))
                .isEqualTo(new String(Json.bytes(run), StandardCharsets.UTF_8));
        assertThat(RunJson.status(stored)).isEqualTo(status);
        assertThat(Json.read(stored, RunRecord.class)).as("the store reads back the run and when its end was recorded")
                .isEqualTo(Json.read(Json.bytes(run), RunRecord.class).toBuilder().endRecorded(endRecorded).build());
    }

    @Example
    void aRunWithoutItsEndRecordedIsStoredAsItsJson() {
        RunRecord run = RunRecord.builder("r-1").startTime(START).message(",\"endRecorded\":\"2026-11-30T10:00:00.000Z\"}").build();
        byte[] json = Json.bytes(run);

        assertThat(RunJson.stored(json, null)).isSameAs(json);
        assertThat(RunJson.answered(json)).isEqualTo(json);
        assertThat(RunJson.status(json)).isEqualTo(RunStatus.IN_PROGRESS);
    }

    @Example
    void theStatusIsTheRunsNotANestedObjects() {
        byte[] json = "{\"lateCompletion\":{\"status\":0,\"x\":[1,{\"status\":2}]},\"status\":-1}".getBytes(StandardCharsets.UTF_8);
        assertThat(RunJson.status(json)).isEqualTo(RunStatus.FAILED);
    }

    @Provide
    Arbitrary<String> messages() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(80),
                Arbitraries.of(",\"endRecorded\":\"2026-11-30T10:00:00.000Z\"}", "\\", "\"}", "😀 disk full", "\uD800",
                        "\",\"status\":0,\"x\":\""), Arbitraries.just(null));
    }

    @Provide
    Arbitrary<Instant> ends() {
        return Arbitraries.of(START, Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.EPOCH.minusMillis(1));
    }
}
