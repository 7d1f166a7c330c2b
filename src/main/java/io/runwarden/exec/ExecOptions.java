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
}
