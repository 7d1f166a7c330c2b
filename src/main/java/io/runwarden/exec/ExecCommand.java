package io.runwarden.exec;

import io.runwarden.model.LifecycleEvent;

import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code runwarden exec}: runs a command as a monitored run of a script and exits with the command's code. */
public final class ExecCommand {
    /** The exit code of bad arguments, as for most Unix tools; the command is not started. */
    static final int USAGE_ERROR = 2;

    private ExecCommand() {
    }

    public static int run(List<String> args, Map<String, String> env) throws InterruptedException {
        // under cron (no locale) Java read every non-ASCII byte as U+FFFD: the bytes as given, where they can be had
        List<byte[]> raw = RawArguments.of(args).orElse(null);
        List<String> texts = raw == null ? args : raw.stream().map(RawArguments::text).toList();
        Optional<ExecOptions> parsed;
        try {
            parsed = ExecArguments.parse(texts, env);
        } catch (UsageException e) {
            System.err.println("runwarden exec: " + e.getMessage());
            System.err.println("usage: java -jar runwarden.jar exec --script NAME [options] -- command [args...]"
                    + " (--help for the options)");
            return USAGE_ERROR;
        }
        if (parsed.isEmpty()) {
            System.out.print(ExecArguments.USAGE);
            return 0;
        }
        ExecOptions options = parsed.get();
        if (raw != null) {
            int commandStart = raw.size() - options.command().size();
            for (int i = 0; i < commandStart; i++) {
                if (!RawArguments.isUtf8(raw.get(i))) {
                    // the run is reported all the same: a job is never left unrun for the way its name was written
                    System.err.println("runwarden exec: argument '" + texts.get(i) + "' is not UTF-8: read with each"
                            + " byte that is not as \\xNN");
                }
            }
            options = options.withCommand(CommandBytes.argv(raw.subList(commandStart, raw.size()), Charset.defaultCharset()));
        }
        return new MonitoredRun(options, new Reporting(reporter(options, env), System.err), System.err).run();
    }

    private static Reporter reporter(ExecOptions options, Map<String, String> env) {
        if (options.url() != null) {
            return new HttpReporter(options.url(), options.token());
        }
        try {
            return new KafkaReporter(options.bootstrapServers(), env);
        } catch (RuntimeException e) {
            // a bad RUNWARDEN_KAFKA_* property: the job still runs, and each report says why it was not sent
            return new Unconfigured("Kafka at " + options.bootstrapServers(), e.getMessage());
        }
    }

    /** A reporter that could not be built. */
    private record Unconfigured(String target, String reason) implements Reporter {
        @Override
        public void report(LifecycleEvent event) throws ReportException {
            throw new ReportException(reason);
        }

        @Override
        public void close() {
            // nothing was opened
        }
    }
}
