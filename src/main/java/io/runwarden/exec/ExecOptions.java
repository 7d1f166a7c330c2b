package io.runwarden.exec;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * What {@code runwarden exec} was asked to do. {@code maxRuntime} null: the service's default applies;
 * {@code heartbeat} null: no heartbeats; {@code url} null: report through Kafka at {@code bootstrapServers}.
 */
public record ExecOptions(String scriptName, String runId, Duration maxRuntime, Duration heartbeat,
                          String bootstrapServers, URI url, String token, List<String> command) {
    /** The same, starting {@code argv} instead. */
    ExecOptions withCommand(List<String> argv) {
        return new ExecOptions(scriptName, runId, maxRuntime, heartbeat, bootstrapServers, url, token, List.copyOf(argv));
    }
}
