package io.runwarden.kafka;

/** Topic names, shared by the topology, the API and the tests. Their settings live in {@code topics/}. */
public final class Topics {
    public static final String SCRIPT_EVENTS = "script-events";
    public static final String SCRIPT_RUNS = "script-runs";
    public static final String SCRIPT_RUN_FAILURES = "script-run-failures";
    public static final String SCRIPT_EVENTS_DLQ = "script-events-dlq";
    public static final String CRON_CONFIG = "cron-config";
    public static final String SCRIPT_POLICIES = "script-policies";
    public static final String SCRIPT_ALERTS = "script-alerts";
    public static final String NOTIFICATION_CHANNELS = "notification-channels";
    /** In {@code topics.json}, the application id in the name of a topic that is internal to one application. */
    public static final String APPLICATION = "{application}";

    /** Internal: how runs ended, gathered by their scripts' partition, from the run partitions to the alerts' (see {@code RunOutcome}). */
    public static String alertOutcomes(String applicationId) {
        return applicationId + "-alert-outcomes";
    }

    /** Internal: every attempt to deliver a notification, keyed by channel. */
    public static String deliveries(String applicationId) {
        return applicationId + "-deliveries";
    }

    /** Internal: the alerts and the ends of their batches, in the order the notifier delivers them. */
    public static String alertFeed(String applicationId) {
        return applicationId + "-alert-feed";
    }

    private Topics() {
    }
}
