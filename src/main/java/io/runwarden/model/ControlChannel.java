package io.runwarden.model;

import org.apache.kafka.common.header.Headers;

/** Sends a control record (a sweep's or a check's) back to {@code script-events}, from inside the topology. */
public interface ControlChannel {
    void send(String key, Object value, Headers headers, long timestamp);

    /**
     * Sends a record that a later one of the same batch follows, which asks for the commit the next step waits for:
     * a partition answering a tick's checks one by one asked after each, and Kafka Streams committed between them
     * (issue 15, B6). Should that record come late or never, the task's pace commits this one a window (100 ms) on.
     */
    default void sendAhead(String key, Object value, Headers headers, long timestamp) {
        send(key, value, headers, timestamp);
    }
}
