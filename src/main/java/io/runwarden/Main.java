package io.runwarden;

import io.runwarden.config.Settings;
import io.runwarden.exec.ExecCommand;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code exec …} runs a command as a monitored run; anything else wires the service from the environment and
 * stops it cleanly on SIGTERM.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("exec")) {
            // before any logger exists: the command owns stdout, so Kafka's client logs go to stderr, and only errors
            System.setProperty("logback.configurationFile", "logback-exec.xml");
            System.exit(ExecCommand.run(Arrays.asList(args).subList(1, args.length), System.getenv()));
        }
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
            // streams that stop for good process nothing: exit 1, so that the supervisor restarts the process
            service = RunwardenService.start(settings, () -> System.exit(1));
        } catch (RuntimeException e) {
            // logged, not printed: with RUNWARDEN_LOG_FORMAT=json the reason is one more JSON line. The logger is
            // looked up only now, once Settings has accepted the format logback is configured by.
            LoggerFactory.getLogger(Main.class).error("runwarden cannot start: {}", e.getMessage());
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
