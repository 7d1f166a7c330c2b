package io.runwarden.notify;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class AttemptsTest {
    @Test
    void attemptsReadBackAsWrittenWhateverTheIdHolds() {
        Attempts attempts = new Attempts("digest:sweep 1:é🙂:x", 3, Instant.parse("2026-12-04T09:00:00.123Z"),
                Instant.parse("2026-12-04T10:00:00Z"), "0123456789abcdef");

        assertThat(Attempts.decode(attempts.encode())).isEqualTo(attempts);
    }

    @Test
    void metadataThatHoldsNoAttemptsIsNone() {
        for (String metadata : new String[]{null, "", "retry ", "retry x 1 2 s id", "retry 0 1 2 s id", "retry 1 2 3 s ",
                "retry 1 2 3", "retry 1 2 3 id", "something else"}) {
            assertThat(Attempts.decode(metadata)).as(String.valueOf(metadata)).isNull();
        }
    }
}
