package io.runwarden.exec;

import io.runwarden.config.Tokens;
import io.runwarden.model.Bounds;
import io.runwarden.model.Times;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Parses {@code exec} arguments into {@link ExecOptions}, with the environment supplying what the flags do not. */
final class ExecArguments {
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    static final Duration DEFAULT_HEARTBEAT = Duration.ofMinutes(5);

    static final String USAGE = """
            usage: java -jar runwarden.jar exec --script NAME [options] -- command [args...]

            Runs the command and reports its run to runwarden: started, a heartbeat while it runs, then
            succeeded (exit 0) or failed (exit code and the last lines of stderr). Exits with the command's
            own exit code; stdin, stdout and stderr pass through unchanged. Reporting problems are warned
            about on stderr and never stop the command.

            options:
              --script NAME         the script's name in runwarden (required)
              --run-id ID           the run's id (default: a new UUID)
              --max-runtime DUR     the run's own deadline, ISO-8601 (PT2H); default: the service's
              --heartbeat DUR|off   interval of heartbeats (default PT5M, or a third of --max-runtime
                                    when that is shorter); each one moves the run's deadline
              --bootstrap SERVERS   Kafka to report to (default: $KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:9092);
                                    RUNWARDEN_KAFKA_* variables set client properties
              --url URL             report over the HTTP API instead, e.g. http://runwarden:8080
              --token TOKEN         bearer token for --url (default: the first of $RUNWARDEN_API_TOKEN)
              --help                this text

            exit code: the command's; 127 when it cannot be found, 126 when it cannot be run,
            128+n when runwarden exec is stopped by signal n, 2 for bad arguments.
            """;

    private ExecArguments() {
    }

    /** Empty when {@code --help} was asked for. */
    static Optional<ExecOptions> parse(List<String> args, Map<String, String> env) throws UsageException {
        String script = null;
        String runId = null;
        Duration maxRuntime = null;
        String heartbeat = null;
        String bootstrap = null;
        URI url = null;
        String token = null;
        int i = 0;
        while (i < args.size()) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                i++;
                break;
            }
            if (!arg.startsWith("-")) {
                break; // the command starts here
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                return Optional.empty();
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageException(name + " needs a value");
            }
            i++;
            switch (name) {
                case "--script" -> script = id(name, value);
                case "--run-id" -> runId = id(name, value);
                case "--max-runtime" -> maxRuntime = duration(name, value);
                case "--heartbeat" -> heartbeat = notBlank(name, value);
                case "--bootstrap" -> bootstrap = notBlank(name, value);
                case "--url" -> url = url(value);
                // trimmed as the service trims its own: "$(cat token.txt)" keeps the CR of a CRLF file
                case "--token" -> token = notBlank(name, value).strip();
                default -> throw new UsageException("unknown option " + name);
            }
        }
        List<String> command = List.copyOf(args.subList(i, args.size()));
        if (script == null) {
            throw new UsageException("--script NAME is required");
        }
        if (command.isEmpty()) {
            throw new UsageException("no command to run: put it after --");
        }
        if (url != null && bootstrap != null) {
            throw new UsageException("--url and --bootstrap exclude each other: report over HTTP or to Kafka");
        }
        if (url == null && token != null) {
            throw new UsageException("--token is for the HTTP API: give --url too");
        }
        return Optional.of(new ExecOptions(script, runId != null ? runId : UUID.randomUUID().toString(), maxRuntime,
                heartbeat(heartbeat, maxRuntime),
                bootstrap != null ? bootstrap : envOr(env, "KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP),
                url, token != null ? token : Tokens.first(env.get("RUNWARDEN_API_TOKEN")).orElse(null), command));
    }

    /** A heartbeat moves the deadline to now + max runtime: one as long as the max runtime would let a live run time out. */
    private static Duration heartbeat(String value, Duration maxRuntime) throws UsageException {
        if ("off".equals(value)) {
            return null;
        }
        if (value == null) {
            return maxRuntime != null && maxRuntime.dividedBy(3).compareTo(DEFAULT_HEARTBEAT) < 0
                    ? maxRuntime.dividedBy(3) : DEFAULT_HEARTBEAT;
        }
        Duration heartbeat = duration("--heartbeat", value);
        if (maxRuntime != null && heartbeat.compareTo(maxRuntime) >= 0) {
            throw new UsageException("--heartbeat " + value + " must be shorter than --max-runtime "
                    + Times.format(maxRuntime) + ", or the run times out between two heartbeats");
        }
        return heartbeat;
    }

    private static Duration duration(String name, String value) throws UsageException {
        try {
            return Bounds.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(name + ": " + e.getMessage());
        }
    }

    private static URI url(String value) throws UsageException {
        try {
            URI uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new UsageException("--url: '" + value + "' is not an http(s) URL such as http://runwarden:8080");
    }

    /**
     * A script name or runId within the bounds the service holds every event to: one it would dead-letter makes
     * every report of the job go nowhere, without a word to whoever ran it.
     */
    private static String id(String name, String value) throws UsageException {
        try {
            return Bounds.id(notBlank(name, value));
        } catch (IllegalArgumentException e) {
            throw new UsageException(name + " " + e.getMessage());
        }
    }

    private static String notBlank(String name, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(name + " must not be blank");
        }
        return value;
    }

    private static String envOr(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
