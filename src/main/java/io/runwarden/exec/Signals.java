package io.runwarden.exec;

import sun.misc.Signal;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Forwards the signals that stop a job (a scheduler's SIGTERM, Ctrl-C, a closed terminal) to the command instead
 * of letting the JVM exit under it, so that the run is still reported. A second signal kills the command outright.
 */
final class Signals {
    record Caught(String name, int number) {
    }

    private static final String[] FORWARDED = {"TERM", "INT", "HUP"};

    private final AtomicReference<Caught> caught = new AtomicReference<>();

    private Signals() {
    }

    static Signals forwardTo(Process command) {
        Signals signals = new Signals();
        for (String name : FORWARDED) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (signals.caught.compareAndSet(null, new Caught(signal.getName(), signal.getNumber()))) {
                        send(signal.getName(), command.toHandle());
                    } else {
                        command.toHandle().destroyForcibly();
                    }
                });
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal (-Xrs): it ends us the JVM's way, unreported
            }
        }
        return signals;
    }

    /**
     * The same signal, so that a command's own handler runs (a trap on INT that cleans up, HUP that reloads): Java
     * sends only TERM and KILL. Not {@code Process.destroy()}: it also closes our end of the command's stderr, and
     * what the command says while it stops is the part of its stderr the report most needs.
     */
    private static void send(String name, ProcessHandle command) {
        try {
            if (new ProcessBuilder("kill", "-s", name, Long.toString(command.pid()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor() == 0) {
                return;
            }
        } catch (IOException e) {
            // no kill(1) on this host: TERM is the best Java can do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        command.destroy();
    }

    /** The first signal received, or null. */
    Caught caught() {
        return caught.get();
    }
}
