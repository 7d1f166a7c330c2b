package io.runwarden.cli;

import java.util.Arrays;
import java.util.List;

/** Reads the arguments of {@code java -jar runwarden.jar}; nothing is started here, so a mistake costs nothing. */
public final class CommandLine {
    public static final String USAGE = """
            usage: java -jar runwarden.jar [serve]
                   java -jar runwarden.jar exec --script NAME [options] -- command [args...]
                   java -jar runwarden.jar selftest
                   java -jar runwarden.jar --help | --version

            commands:
              serve       run the service (the default): the embedded Kafka broker unless
                          KAFKA_BOOTSTRAP_SERVERS is set, the streams and the HTTP API
              exec        run a command as a monitored run of a script (exec --help for its options)
              selftest    start a throwaway service (embedded broker, temporary data, free
                          loopback ports), report a run to it over HTTP, read it back, sweep,
                          stop; prints the result, exits 0 if it passed and 1 if not
              --help      this text
              --version   the version of runwarden

            The service is configured by environment variables (RUNWARDEN_*, KAFKA_BOOTSTRAP_SERVERS):
            see the Configuration section of the README.
            """;

    private CommandLine() {
    }

    public static Command parse(String... args) throws CommandLineException {
        List<String> all = Arrays.asList(args);
        if (all.isEmpty()) {
            return Command.of(Command.Kind.SERVE);
        }
        String first = all.get(0);
        if (first.equals("exec")) {
            // exec reads its own options, and everything after its "--" belongs to the command it runs
            return new Command(Command.Kind.EXEC, all.subList(1, all.size()));
        }
        Command.Kind kind = switch (first) {
            case "serve" -> Command.Kind.SERVE;
            case "selftest" -> Command.Kind.SELFTEST;
            case "--help" -> Command.Kind.HELP;
            case "--version" -> Command.Kind.VERSION;
            default -> throw new CommandLineException("unknown argument '" + first + "'");
        };
        if (all.size() > 1) {
            throw new CommandLineException("unexpected argument '" + all.get(1) + "' after " + first);
        }
        return Command.of(kind);
    }
}
