package io.runwarden.model;

import java.time.Instant;

/** An end reported by the script after a sweep had already failed the run for timing out. */
public record LateCompletion(RunStatus status, Instant time, String message) {
}
