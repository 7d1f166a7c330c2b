package io.runwarden;

import io.runwarden.cli.Command;
import io.runwarden.cli.CommandLine;
import io.runwarden.cli.CommandLineException;
import io.runwarden.cli.Version;
import io.runwarden.config.Settings;
import io.runwarden.exec.ExecCommand;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/**
 * Wiring only: {@link CommandLine} says what to do; {@code exec …} runs a command as a monitored run; the service is
 * wired from the environment and stopped cleanly on SIGTERM; {@code selftest} runs a throwaway one; {@code --help} and
 * {@code --version} start nothing.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        Command command;
        try {
            command = CommandLine.parse(args);
        } catch (CommandLineException e) {
            System.err.println("runwarden: " + e.getMessage());
            System.err.print(CommandLine.USAGE);
            System.exit(CommandLineException.EXIT_CODE);
            return;
        }
        switch (command.kind()) {
            case HELP -> System.out.print(CommandLine.USAGE);
            case VERSION -> System.out.println("runwarden " + Version.current());
            case EXEC -> {
                quietLogs("exec");
                System.exit(ExecCommand.run(command.args(), System.getenv()));
            }
            case SELFTEST -> {
                quietLogs("selftest");
                System.exit(SelfTest.run(System.out, System.err));
            }
            case SERVE -> serve();
        }
    }

    /** Before any logger exists: stdout is the command's or the result's, so logs go to stderr, and only warnings. */
    private static void quietLogs(String command) {
        System.setProperty("runwarden.command", command);
        System.setProperty("logback.configurationFile", "logback-command.xml");
    }

    private static void serve() throws InterruptedException {
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
            LoggerFactory.getLogger(Main.class).error("runwarden cannot start: {}", FailureMessage.of(e));
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
