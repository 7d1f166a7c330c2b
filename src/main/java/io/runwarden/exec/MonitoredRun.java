package io.runwarden.exec;

import io.runwarden.model.EventType;
import io.runwarden.model.LifecycleEvent;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/** Runs the command once and reports it: started, heartbeats while it runs, then how it ended. */
final class MonitoredRun {
    /** How long the end of a run may wait for its report after the command exited: a little over one send. */
    static final Duration REPORT_GRACE = KafkaReporter.TIMEOUT.plusSeconds(2);
    /** How long to wait for stderr to close after the command exited (a background grandchild may hold it). */
    private static final Duration STDERR_GRACE = Duration.ofSeconds(1);

    private final ExecOptions options;
    private final Reporting reporting;
    private final PrintStream stderr;

    MonitoredRun(ExecOptions options, Reporting reporting, PrintStream stderr) {
        this.options = options;
        this.reporting = reporting;
        this.stderr = stderr;
    }

    /** The exit code runwarden exec should exit with. */
    int run() throws InterruptedException {
        Instant start = Instant.now();
        reporting.send(event(EventType.STARTED, start, null));
        Process process;
        try {
            // stdin and stdout stay the command's own; stderr is copied through so that its tail can be reported
            process = new ProcessBuilder(options.command()).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            // a shell's codes: 126 found but not runnable (error=13, permission denied), 127 not found
            int code = e.getMessage() != null && e.getMessage().contains("error=13") ? 126 : 127;
            stderr.println("runwarden exec: " + e.getMessage());
            reporting.send(event(EventType.FAILED, Instant.now(), "exit " + code + ": " + e.getMessage()));
            reporting.finish(REPORT_GRACE);
            return code;
        }
        Signals signals = Signals.forwardTo(process);
        StderrPump pump = StderrPump.start(process.getErrorStream());
        if (options.heartbeat() != null) {
            reporting.every(options.heartbeat(), () -> event(EventType.HEARTBEAT, Instant.now(), null));
        }
        int exit = process.waitFor();
        Duration took = Duration.between(start, Instant.now());
        Outcome outcome = new Outcome(exit, took, pump.awaitTail(STDERR_GRACE), signals.caught());
        reporting.send(event(outcome.event(), Instant.now(), outcome.message()));
        reporting.finish(REPORT_GRACE);
        return outcome.exitCode();
    }

    private LifecycleEvent event(EventType type, Instant time, String message) {
        return new LifecycleEvent(options.runId(), options.scriptName(), type, time, message,
                type == EventType.STARTED ? options.maxRuntime() : null);
    }
}
