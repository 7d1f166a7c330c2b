package io.runwarden;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The README's command that runs the service, as the benchmarks and the jar's tests run it. */
public final class ReadmeCommand {
    /** Its JVM options are group 1. */
    private static final Pattern README_RUN = Pattern.compile("(?m)package && java (.*)-jar target/runwarden\\.jar\r?$");

    private ReadmeCommand() {
    }

    /** The options between {@code java} and {@code -jar}. */
    public static List<String> jvmOptions() {
        try {
            Matcher run = README_RUN.matcher(Files.readString(Path.of("README.md")));
            if (!run.find()) {
                throw new IllegalStateException("README.md has no line that runs " + README_RUN.pattern());
            }
            String options = run.group(1).trim();
            return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
