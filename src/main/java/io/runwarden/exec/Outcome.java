package io.runwarden.exec;

import io.runwarden.model.EventType;

import java.time.Duration;

/**
 * How a command ended. {@code signal} is the signal that stopped runwarden exec (forwarded to the command), or
 * null; {@code stderrTail} may be empty.
 */
record Outcome(int commandExit, Duration took, String stderrTail, Signals.Caught signal) {

    EventType event() {
        return commandExit == 0 && signal == null ? EventType.SUCCEEDED : EventType.FAILED;
    }

    /** What runwarden exec exits with: the command's code, or 128+n like a shell when a signal stopped it. */
    int exitCode() {
        return signal != null ? 128 + signal.number() : commandExit;
    }

    /** {@code exit 0 in 3 s}, {@code exit 3 in 1 s; stderr: oops}, {@code killed by signal TERM in 5 s; …}. */
    String message() {
        String what = signal != null ? "killed by signal " + signal.name() + " (command exit " + commandExit + ")"
                : "exit " + commandExit;
        String message = what + " in " + human(took);
        return event() == EventType.FAILED && !stderrTail.isEmpty() ? message + "; stderr: " + stderrTail : message;
    }

    static String human(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }
}
