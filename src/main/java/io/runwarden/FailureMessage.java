package io.runwarden;

import java.util.ArrayList;
import java.util.List;

/**
 * Why something failed, for a person: the message of an exception and of each cause under it, each once. Kafka's
 * clients wrap what went wrong ("Failed to create new KafkaAdminClient") around the reason that names the setting.
 */
final class FailureMessage {
    private FailureMessage() {
    }

    static String of(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null && messages.size() < 10; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
            // a wrapper often repeats its cause's message, or is only its cause's toString()
            if (messages.stream().noneMatch(m -> m.contains(message))) {
                messages.add(message);
            }
        }
        return String.join(": ", messages);
    }
}
