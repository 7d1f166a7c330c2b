package io.runwarden.stream;

import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RunBytesTest {
    private static final RunRecord STARTED = RunRecord.builder("r-1").scriptName("backup")
            .startTime(Instant.parse("2026-11-30T10:00:00.123456Z")).build();
    private static final RunRecord ENDED = STARTED.toBuilder().status(RunStatus.SUCCESS).message("done").build();

    @Test
    void aRunIsItsJsonWhicheverRunCameBefore() {
        assertThat(RunBytes.of(STARTED)).isEqualTo(Json.bytes(STARTED));
        assertThat(RunBytes.of(STARTED)).as("the same run again").isEqualTo(Json.bytes(STARTED));
        assertThat(RunBytes.of(ENDED)).as("its next state").isEqualTo(Json.bytes(ENDED));
        assertThat(RunBytes.of(STARTED)).as("the first again").isEqualTo(Json.bytes(STARTED));
        RunRecord equalButAnother = STARTED.toBuilder().build();
        assertThat(RunBytes.of(equalButAnother)).isEqualTo(Json.bytes(STARTED));
    }

    @Test
    void theStoreReadsBackWhatItWrote() {
        byte[] written = RunBytes.serde().serializer().serialize("runs", ENDED);
        // to the millisecond, as the stored JSON keeps it
        assertThat(RunBytes.serde().deserializer().deserialize("runs", written)).isEqualTo(Json.read(Json.bytes(ENDED), RunRecord.class))
                .extracting(RunRecord::startTime).isEqualTo(Instant.parse("2026-11-30T10:00:00.123Z"));
        assertThat(RunBytes.serde().serializer().serialize("runs", null)).isNull();
    }
}
