package io.runwarden.service;

import java.time.Duration;

/** Per-script policies, kept on the compacted {@code script-policies} topic. */
public interface Policies {
    /** A script's own max runtime (null: none), and the one its new runs get. */
    record View(String scriptName, Duration maxRuntime, Duration effectiveMaxRuntime) {
    }

    View get(String scriptName);

    /** Sets the script's max runtime, or removes it with null; returns once it is visible here. */
    View set(String scriptName, Duration maxRuntime);
}
