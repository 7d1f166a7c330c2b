package io.runwarden;

import io.runwarden.config.Settings;

import java.util.HashMap;
import java.util.Map;

/**
 * Settings for a test, read from an environment as a user gives them: free ports for the embedded broker and the API
 * unless the test says otherwise.
 */
public final class TestSettings {
    private TestSettings() {
    }

    /** @param pairs environment variables and their values, alternating; a null value leaves the variable unset */
    public static Settings env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("RUNWARDEN_EMBEDDED_KAFKA_PORT", "0", "RUNWARDEN_HTTP_PORT", "0"));
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                env.put(pairs[i], pairs[i + 1]);
            }
        }
        return Settings.fromEnv(env);
    }
}
