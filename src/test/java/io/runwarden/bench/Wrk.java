package io.runwarden.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk (Debian's package) against one URL and reads its latency percentiles and throughput. */
final class Wrk {
    /** {@code requests}: how many were answered, {@code errors} of them or not at all. */
    record Result(double p50Millis, double p99Millis, double requestsPerSecond, long requests, long errors) {
    }

    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private Wrk() {
    }

    /**
     * A slow answer counts in the latency, not as an error: wrk's own timeout is 30 s, not its default 2 s.
     * @param luaScript null for a fixed URL, else a script that picks each request's path */
    static Result run(String url, int connections, int seconds, Path luaScript) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--timeout", "30s", "--latency"));
        if (luaScript != null) {
            command.addAll(List.of("-s", luaScript.toString()));
        }
        command.add(url);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("wrk failed: " + out);
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher m = PERCENTILE.matcher(out);
        while (m.find()) {
            double value = Double.parseDouble(m.group(2)) * switch (m.group(3)) {
                case "us" -> 0.001;
                case "ms" -> 1.0;
                default -> 1000.0;
            };
            if (m.group(1).equals("50")) {
                p50 = value;
            } else {
                p99 = value;
            }
        }
        Matcher rate = RATE.matcher(out);
        Matcher requests = REQUESTS.matcher(out);
        if (!rate.find() || !requests.find() || Double.isNaN(p50) || Double.isNaN(p99)) {
            throw new IOException("cannot read wrk's output: " + out);
        }
        long errors = 0;
        Matcher e = ERRORS.matcher(out);
        if (e.find()) {
            errors += Long.parseLong(e.group(1));
        }
        Matcher s = SOCKET_ERRORS.matcher(out);
        if (s.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(s.group(i));
            }
        }
        return new Result(p50, p99, Double.parseDouble(rate.group(1)), Long.parseLong(requests.group(1)), errors);
    }

    /**
     * A wrk script that reports over HTTP: each request one new run, {@code POST /script/runs} with a runId of its own
     * ({@code prefix}, the thread, a counter) over {@code scripts} scripts, or an end ping ({@code POST /ping/{script}}),
     * which records a run that started and ended at once when the script has no run opened by a start ping.
     */
    static Path reports(Path dir, String name, boolean pings, String prefix, int scripts) throws IOException {
        Path lua = dir.resolve(name + ".lua");
        String request = pings
                ? "return wrk.format(\"POST\", \"/ping/%s\" .. (counter %% %d), {[\"Content-Type\"]=\"text/plain\"}, \"done\")"
                .formatted(prefix, scripts)
                : ("return wrk.format(\"POST\", \"/script/runs\", {[\"Content-Type\"]=\"application/json\"}, "
                + "'{\"scriptName\":\"%s' .. (counter %% %d) .. '\",\"runId\":\"%s-' .. tid .. '-' .. counter .. '\"}')")
                .formatted(prefix, scripts, prefix);
        Files.writeString(lua, """
                local threads = 0
                setup = function(thread)
                  thread:set("tid", threads)
                  threads = threads + 1
                end
                counter = 0
                request = function()
                  counter = counter + 1
                  %s
                end
                """.formatted(request));
        return lua;
    }

    /** A wrk script that asks for one script's logs per request, cycling over every script. */
    static Path scriptNameRotation(Path dir, int scripts) throws IOException {
        Path lua = dir.resolve("by-script.lua");
        Files.writeString(lua, """
                counter = 0
                request = function()
                  counter = counter + 1
                  return wrk.format("GET", "/script/logs?scriptName=script-" .. (counter %% %d) .. "&limit=50")
                end
                """.formatted(scripts));
        return lua;
    }
}
