package io.runwarden.exec;

import io.runwarden.model.EventType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What a run's end says: the exit code, how long it took, and the end of stderr when it failed. */
class ExecOutcomeTest {
    @Test
    void successSaysExitAndDurationOnly() {
        Outcome outcome = new Outcome(0, Duration.ofMillis(3_400), "a warning", null);

        assertThat(outcome.event()).isEqualTo(EventType.SUCCEEDED);
        assertThat(outcome.message()).isEqualTo("exit 0 in 3 s");
        assertThat(outcome.exitCode()).isZero();
    }

    @Test
    void failureCarriesTheEndOfStderr() {
        Outcome outcome = new Outcome(3, Duration.ofSeconds(75), "connecting\nERROR: disk full", null);

        assertThat(outcome.event()).isEqualTo(EventType.FAILED);
        assertThat(outcome.message()).isEqualTo("exit 3 in 1 min 15 s; stderr: connecting\nERROR: disk full");
        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(new Outcome(1, Duration.ofSeconds(3_725), "", null).message()).isEqualTo("exit 1 in 1 h 2 min");
    }

    @Test
    void aSignalFailsTheRunEvenIfTheCommandExitedZeroAndExitsLikeAShell() {
        Outcome outcome = new Outcome(0, Duration.ofSeconds(5), "", new Signals.Caught("TERM", 15));

        assertThat(outcome.event()).isEqualTo(EventType.FAILED);
        assertThat(outcome.message()).isEqualTo("killed by signal TERM (command exit 0) in 5 s");
        assertThat(outcome.exitCode()).isEqualTo(143);
    }

    @Test
    void tailKeepsTheLastTwentyLines() {
        StderrTail tail = new StderrTail();
        StringBuilder written = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            written.append("line ").append(i).append('\n');
        }
        append(tail, written.toString());

        assertThat(tail.text()).startsWith("…line 11\n").endsWith("line 30").hasLineCount(20);
    }

    @Test
    void tailOfAHugeStderrFitsFarBelowTheServicesMessageLimit() {
        StderrTail tail = new StderrTail();
        append(tail, "é".repeat(100_000) + "\nthe real reason");

        String text = tail.text();
        assertThat(text).startsWith("…é").endsWith("\nthe real reason").doesNotContain("\uFFFD");
        assertThat(text.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(StderrTail.MAX_BYTES + 3);
        assertThat(new Outcome(1, Duration.ZERO, text, null).message().length()).isLessThan(8_192);
    }

    @Test
    void shortTailIsKeptAsWritten() {
        StderrTail tail = new StderrTail();
        append(tail, "oops\n");

        assertThat(tail.text()).isEqualTo("oops");
        assertThat(new StderrTail().text()).isEmpty();
    }

    private static void append(StderrTail tail, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        // in uneven chunks, as a pipe delivers them
        for (int offset = 0; offset < bytes.length; offset += 777) {
            tail.append(bytes, offset, Math.min(777, bytes.length - offset));
        }
    }
}
