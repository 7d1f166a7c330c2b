package io.runwarden.exec;

import sun.misc.Signal;

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
                        command.destroy();
                    } else {
                        command.destroyForcibly();
                    }
                });
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal (-Xrs): it ends us the JVM's way, unreported
            }
        }
        return signals;
    }

    /** The first signal received, or null. */
    Caught caught() {
        return caught.get();
    }
}
