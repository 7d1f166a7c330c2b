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
    void aFloodIsLeftToTheCommitIntervalUntilItEnds() {
        pace.askNow(1_000);
        flood();
        assertThat(pace.askNow(1_100)).isFalse();
        flood();
        assertThat(pace.askNow(1_200)).isFalse();
        assertThat(pace.askNow(1_300)).as("the flood is over: its last records are not left waiting").isTrue();
        assertThat(pace.askNow(1_400)).isFalse();
    }

    @Test
    void aFloodThatEndsWithAFewRecordsIsCommittedAsItsWindowEnds() {
        pace.askNow(1_000);
        flood();
        pace.askNow(1_100);
        pace.processed();
        assertThat(pace.askNow(1_200)).isTrue();
    }

    private void flood() {
        for (int i = 0; i <= CommitPace.LIGHT_RECORDS; i++) {
            pace.processed();
        }
    }

    /** An alert task's record of outcomes: each outcome counts toward a flood, only an alert asks for a commit. */
    @Test
    void recordsNobodyWaitsForAskForNothingButCountTowardAFlood() {
        pace.askNow(1_000);
        pace.processed(CommitPace.LIGHT_RECORDS, false);
        assertThat(pace.askNow(1_100)).as("successes of healthy scripts: nothing to see").isFalse();
        pace.processed(CommitPace.LIGHT_RECORDS, false);
        pace.processed(1, true);
        assertThat(pace.askNow(1_200)).as("an alert in a flood waits for the flood's end").isFalse();
        assertThat(pace.askNow(1_300)).isTrue();
    }

    @Test
    void aClockThatWentBackEndsTheWindow() {
        pace.askNow(5_000);
        pace.processed();
        assertThat(pace.askNow(4_000)).isTrue();
    }
}
