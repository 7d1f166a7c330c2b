package io.runwarden.exec;

import io.runwarden.model.LifecycleEvent;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Sends a run's events in order on one background thread, so that a slow or dead reporting target never delays
 * the command, and turns every failure into a warning on stderr: reporting must never break the job.
 */
final class Reporting {
    private final Reporter reporter;
    private final PrintStream warnings;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread t = new Thread(task, "runwarden-exec-reporting");
        t.setDaemon(true); // an event stuck on a dead target must not keep the JVM alive
        return t;
    });
    /** Touched only by the reporting thread: one warning per outage, not one per heartbeat. */
    private boolean failing;
    /** Set once {@link #finish} gave up: the send it abandoned fails on close, and that was already said. */
    private volatile boolean abandoned;

    Reporting(Reporter reporter, PrintStream warnings) {
        this.reporter = reporter;
        this.warnings = warnings;
    }

    void send(LifecycleEvent event) {
        thread.execute(() -> deliver(event));
    }

    /** Fixed delay, not rate: heartbeats that a slow target held back do not then burst out together. */
    void every(Duration interval, Supplier<LifecycleEvent> event) {
        thread.scheduleWithFixedDelay(() -> deliver(event.get()), interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Stops the heartbeats, waits at most {@code atMost} for the events already sent, and closes the reporter. */
    void finish(Duration atMost) throws InterruptedException {
        thread.shutdown(); // drops the periodic heartbeat, keeps the events queued before
        if (!thread.awaitTermination(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            abandoned = true;
            warn("gave up reporting to " + reporter.target() + " after " + atMost.toSeconds()
                    + " s; the run's end is not recorded");
        }
        reporter.close();
    }

    private void deliver(LifecycleEvent event) {
        try {
            reporter.report(event);
            failing = false;
        } catch (Reporter.ReportException | RuntimeException e) {
            if (!abandoned && (!failing || event.type().isEnd())) {
                warn("could not report '" + event.type().wireName() + "' of run " + event.runId() + " (script "
                        + event.scriptName() + ") to " + reporter.target() + ": " + reason(e)
                        + (event.type().isEnd() ? "" : "; the command runs on"));
            }
            failing = true;
        }
    }

    /** The most specific message in the chain, without a final period: it goes in the middle of a sentence. */
    private static String reason(Throwable e) {
        String reason = (e.getCause() != null ? e.getCause() : e).getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                reason = t.getMessage();
                break;
            }
        }
        return reason.endsWith(".") ? reason.substring(0, reason.length() - 1) : reason;
    }

    private void warn(String message) {
        warnings.println("runwarden exec: " + message);
    }
}
