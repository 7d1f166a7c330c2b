package io.runwarden.model;

import java.time.Duration;

/** A script's own defaults for its new runs, the value of the compacted {@code script-policies} topic. */
public record ScriptPolicy(String scriptName, Duration maxRuntime) {
}
