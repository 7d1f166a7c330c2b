package io.runwarden.kafka;

/** Topic names, shared by the topology, the API and the tests. Their settings live in {@code topics/}. */
public final class Topics {
    public static final String SCRIPT_EVENTS = "script-events";
    public static final String SCRIPT_RUNS = "script-runs";
    public static final String SCRIPT_RUN_FAILURES = "script-run-failures";
    public static final String SCRIPT_EVENTS_DLQ = "script-events-dlq";
    public static final String CRON_CONFIG = "cron-config";
    public static final String SCRIPT_POLICIES = "script-policies";

    private Topics() {
    }
}
