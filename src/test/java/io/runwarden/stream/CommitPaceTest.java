package io.runwarden.stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CommitPaceTest {
    private final CommitPace pace = new CommitPace();

    @Test
    void aLightWindowIsCommittedAsItEnds() {
        pace.askNow(1_000);
        pace.processed();
        assertThat(pace.askNow(1_050)).as("the window is still open").isFalse();
        assertThat(pace.askNow(1_100)).isTrue();
        assertThat(pace.askNow(1_200)).as("nothing processed since").isFalse();
    }

    @Test
    void aFloodIsLeftToTheCommitInterval() {
        pace.askNow(1_000);
        for (int i = 0; i <= CommitPace.LIGHT_RECORDS; i++) {
            pace.processed();
        }
        assertThat(pace.askNow(1_100)).isFalse();
        pace.processed();
        assertThat(pace.askNow(1_200)).as("the flood is over: its last records are not left waiting").isTrue();
    }

    @Test
    void aClockThatWentBackEndsTheWindow() {
        pace.askNow(5_000);
        pace.processed();
        assertThat(pace.askNow(4_000)).isTrue();
    }
}
