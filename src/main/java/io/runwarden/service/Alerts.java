package io.runwarden.service;

import io.runwarden.model.Alert;

import java.util.List;

/** The latest alerts of {@code script-alerts}: each instance reads them all. */
public interface Alerts {
    /** Up to {@code limit} alerts, newest first, of {@code scriptName} when given. */
    List<Alert> recent(String scriptName, int limit);
}
