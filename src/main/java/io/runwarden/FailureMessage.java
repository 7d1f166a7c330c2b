package io.runwarden;

import io.runwarden.model.Bounds;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Why something failed, for a person: the message of an exception and of each cause under it, each once. Kafka's
 * clients wrap what went wrong ("Failed to create new KafkaAdminClient") around the reason that names the setting.
 */
final class FailureMessage {
    /** Causes followed at most: a chain may be long, or loop back on itself. */
    private static final int MAX_CAUSES = 10;

    private FailureMessage() {
    }

    static String of(Throwable failure) {
        List<String> messages = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.size() < MAX_CAUSES && seen.add(t); t = t.getCause()) {
            // one log line: a setting's value may hold a line break, and Kafka quotes it in its message
            String message = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName()
                    : Bounds.oneLine(t.getMessage());
            // a wrapper often repeats its cause's message, or is only its cause's toString()
            if (messages.stream().noneMatch(m -> m.contains(message))) {
                messages.add(message);
            }
        }
        return String.join(": ", messages);
    }
}
