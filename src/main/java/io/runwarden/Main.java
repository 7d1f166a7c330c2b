package io.runwarden;

import io.runwarden.config.Settings;

import java.util.concurrent.CountDownLatch;

/** Wires the service from the environment and stops it cleanly on SIGTERM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings;
        try {
            settings = Settings.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("runwarden: " + e.getMessage());
            System.exit(2);
            return;
        }
        RunwardenService service;
        try {
            service = RunwardenService.start(settings);
        } catch (RuntimeException e) {
            System.err.println("runwarden: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "runwarden-shutdown"));
        stopped.await();
    }
}
