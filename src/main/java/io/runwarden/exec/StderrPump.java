package io.runwarden.exec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** Copies the command's stderr to ours byte for byte, keeping its tail. */
final class StderrPump {
    private final StderrTail tail = new StderrTail();
    private final Thread thread;

    private StderrPump(InputStream from) {
        thread = new Thread(() -> pump(from), "runwarden-exec-stderr");
        // a background child of the command may hold the pipe open after the command exited
        thread.setDaemon(true);
    }

    static StderrPump start(InputStream from) {
        StderrPump pump = new StderrPump(from);
        pump.thread.start();
        return pump;
    }

    /** Waits for the end of stderr, but not for a grandchild that keeps it open. */
    String awaitTail(Duration atMost) throws InterruptedException {
        thread.join(atMost.toMillis());
        return tail.text();
    }

    private void pump(InputStream from) {
        OutputStream to = new FileOutputStream(FileDescriptor.err);
        byte[] buffer = new byte[8192];
        boolean passing = true;
        try (from) {
            for (int n; (n = from.read(buffer)) >= 0; ) {
                tail.append(buffer, 0, n);
                if (passing) {
                    try {
                        to.write(buffer, 0, n);
                    } catch (IOException e) {
                        passing = false; // our stderr is gone; keep draining, or the command blocks on a full pipe
                    }
                }
            }
        } catch (IOException e) {
            // the pipe broke: the command is gone, and what it wrote is in the tail
        }
    }
}
